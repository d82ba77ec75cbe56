package lab.loopback.evidence;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;

/**
 * How one sending thread handed its payload to the kernel, from the kernel's trace of that thread: calls that pass
 * a user buffer for the kernel to copy from (write, sendto, … and io_uring's WRITE/SEND ops) against calls that
 * move page references and take no user buffer at all (sendfile, splice, vmsplice, tee and io_uring's SPLICE/TEE).
 * A call of the second kind cannot copy from user memory; one of the first kind does unless it is a zero-copy send
 * (MSG_ZEROCOPY, SEND_ZC), whose completion notices say whether the kernel copied after all.
 */
public record PayloadCalls(long fromUserBuffer, long byReference, Map<String, Long> byCall) {
    /** io_uring's submission tracepoint: the operation of every request, in the submitting thread. */
    public static final String URING_EVENT = "io_uring/io_uring_submit_req";

    static final Set<String> USER_BUFFER_SYSCALLS =
            Set.of("write", "writev", "pwrite64", "pwritev", "sendto", "sendmsg");
    static final Set<String> REFERENCE_SYSCALLS = Set.of("sendfile", "splice", "vmsplice", "tee");
    static final Set<String> USER_BUFFER_OPS =
            Set.of("WRITE", "WRITEV", "WRITE_FIXED", "SEND", "SENDMSG", "SEND_ZC", "SENDMSG_ZC");
    static final Set<String> REFERENCE_OPS = Set.of("SPLICE", "TEE");
    private static final Pattern OPCODE = Pattern.compile("opcode (\\w+)");

    public PayloadCalls {
        byCall = Map.copyOf(byCall);
    }

    /** The payload-carrying calls among {@code calls} (thread {@code tid}'s system calls) and its io_uring requests in {@code rec}. */
    public static PayloadCalls of(SyscallCount calls, TraceRecorder.Recording rec, long tid) {
        Map<String, Long> by = new TreeMap<>();
        long user = 0, ref = 0;
        for (var c : calls.byCall().entrySet()) {
            boolean fromUser = USER_BUFFER_SYSCALLS.contains(c.getKey());
            if (!fromUser && !REFERENCE_SYSCALLS.contains(c.getKey())) continue;
            by.put(c.getKey(), c.getValue());
            if (fromUser) user += c.getValue();
            else ref += c.getValue();
        }
        for (TraceEvent e : rec.of("io_uring_submit_req")) {
            if (e.pid() != tid) continue;
            Matcher m = OPCODE.matcher(e.details());
            if (!m.find()) continue;
            boolean fromUser = USER_BUFFER_OPS.contains(m.group(1));
            if (!fromUser && !REFERENCE_OPS.contains(m.group(1))) continue;
            by.merge("io_uring " + m.group(1), 1L, Long::sum);
            if (fromUser) user++;
            else ref++;
        }
        return new PayloadCalls(user, ref, by);
    }

    /**
     * Whether most payload calls handed the kernel a user buffer (a sender that moves its file by reference still
     * writes a byte or two of control, so this is a majority, not "any"); null when no call carried payload.
     */
    public Boolean mostlyFromUserBuffer() {
        long n = fromUserBuffer + byReference;
        return n == 0 ? null : fromUserBuffer * 2 > n;
    }

    /** "sendfile 256, write 2" — the largest first, ties by name. */
    public String describe() {
        return SyscallCount.describe(byCall);
    }
}

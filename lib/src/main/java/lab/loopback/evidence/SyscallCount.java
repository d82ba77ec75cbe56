package lab.loopback.evidence;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;

/**
 * System calls as the kernel counts them: {@code raw_syscalls:sys_enter} events of one thread, by number.
 * Names are given for the x86-64 numbers of the calls a transfer makes; other architectures show numbers.
 */
public record SyscallCount(long total, Map<String, Long> byCall) {
    public static final String EVENT = "raw_syscalls/sys_enter";
    static final Pattern NR = Pattern.compile("NR (\\d+)");
    static final Map<Integer, String> X86_64 = Map.ofEntries(
            Map.entry(0, "read"),
            Map.entry(1, "write"),
            Map.entry(18, "pwrite64"),
            Map.entry(20, "writev"),
            Map.entry(296, "pwritev"),
            Map.entry(276, "tee"),
            Map.entry(3, "close"),
            Map.entry(7, "poll"),
            Map.entry(9, "mmap"),
            Map.entry(11, "munmap"),
            Map.entry(27, "mincore"),
            Map.entry(40, "sendfile"),
            Map.entry(44, "sendto"),
            Map.entry(45, "recvfrom"),
            Map.entry(46, "sendmsg"),
            Map.entry(47, "recvmsg"),
            Map.entry(202, "futex"),
            Map.entry(257, "openat"),
            Map.entry(275, "splice"),
            Map.entry(278, "vmsplice"),
            Map.entry(293, "pipe2"),
            Map.entry(426, "io_uring_enter"),
            Map.entry(425, "io_uring_setup"),
            Map.entry(72, "fcntl"),
            Map.entry(54, "setsockopt"),
            Map.entry(55, "getsockopt"),
            Map.entry(48, "shutdown"),
            Map.entry(42, "connect"));

    /** The sys_enter events of thread {@code tid} in {@code rec}. */
    public static SyscallCount of(TraceRecorder.Recording rec, long tid) {
        boolean x86 = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
        Map<String, Long> by = new TreeMap<>();
        long total = 0;
        for (TraceEvent e : rec.of("sys_enter")) {
            if (e.pid() != tid) continue;
            Matcher m = NR.matcher(e.details());
            if (!m.find()) continue;
            int nr = Integer.parseInt(m.group(1));
            by.merge(x86 ? X86_64.getOrDefault(nr, "nr " + nr) : "nr " + nr, 1L, Long::sum);
            total++;
        }
        return new SyscallCount(total, by);
    }

    public double perMiB(long bytes) {
        return total / (bytes / 1048576.0);
    }

    /** "write 256, futex 3" — the largest first. */
    public String describe() {
        return describe(byCall);
    }

    /** Call counts as "write 256, futex 3": the largest first, ties by name; "none" when empty. */
    static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b)
                .orElse("none");
    }
}

package lab.loopback.evidence;

import java.util.Collection;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;

/**
 * The receive side's copies as the kernel reports them: every {@code skb:skb_copy_datagram_iovec} event
 * of the receiving tasks is one copy from a socket buffer into user memory, of {@code len} bytes.
 */
public record ReceiveCopies(long events, long bytes, long payloadBytes) {
    public static ReceiveCopies of(TraceRecorder.Recording rec, Collection<Long> receiverTids, long payloadBytes) {
        long n = 0, b = 0;
        for (TraceEvent e : rec.of("skb_copy_datagram_iovec")) {
            if (!receiverTids.contains((long) e.pid())) continue;
            n++;
            b += Long.parseLong(e.field("len"));
        }
        return new ReceiveCopies(n, b, payloadBytes);
    }

    /** Copies per payload byte: 1.0 when every byte was copied out of the kernel exactly once. */
    public double perByte() {
        return payloadBytes == 0 ? 0 : (double) bytes / payloadBytes;
    }
}

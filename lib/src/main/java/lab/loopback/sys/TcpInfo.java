package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The kernel's own account of one TCP connection, {@code getsockopt(TCP_INFO)} (struct tcp_info,
 * include/uapi/linux/tcp.h). Only the fields the workbench reads; offsets are the uapi layout, which only
 * ever grows at the end. A field past what this kernel returned reads as -1.
 */
public record TcpInfo(
        int state,
        long rtoMicros,
        long sndMss,
        long rcvMss,
        long unacked,
        long pmtu,
        long rttMicros,
        long rttVarMicros,
        long sndCwnd,
        long advMss,
        long bytesAcked,
        long bytesReceived,
        long segsOut,
        long segsIn,
        long notsentBytes,
        long minRttMicros,
        long dataSegsIn,
        long dataSegsOut,
        long deliveryRate,
        long bytesSent,
        long bytesRetrans) {
    static final int BUFFER = 512;

    /** The state numbers of include/net/tcp_states.h. */
    public static final int TCP_ESTABLISHED = 1;

    public static TcpInfo of(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(BUFFER, 8);
            MemorySegment len = a.allocateFrom(JAVA_INT, BUFFER);
            Libc.getsockopt(fd, Net.IPPROTO_TCP, Net.TCP_INFO, buf, len);
            return parse(buf, len.get(JAVA_INT, 0));
        }
    }

    /** Reads the fields from the first {@code valid} bytes of a struct tcp_info. */
    static TcpInfo parse(MemorySegment s, int valid) {
        return new TcpInfo(
                s.get(JAVA_BYTE, 0) & 0xff,
                u32(s, valid, 8),
                u32(s, valid, 16),
                u32(s, valid, 20),
                u32(s, valid, 24),
                u32(s, valid, 60),
                u32(s, valid, 68),
                u32(s, valid, 72),
                u32(s, valid, 80),
                u32(s, valid, 84),
                u64(s, valid, 120),
                u64(s, valid, 128),
                u32(s, valid, 136),
                u32(s, valid, 140),
                u32(s, valid, 144),
                u32(s, valid, 148),
                u32(s, valid, 152),
                u32(s, valid, 156),
                u64(s, valid, 160),
                u64(s, valid, 200),
                u64(s, valid, 208));
    }

    private static long u32(MemorySegment s, int valid, int off) {
        return off + 4 <= valid ? Integer.toUnsignedLong(s.get(JAVA_INT_UNALIGNED, off)) : -1;
    }

    private static long u64(MemorySegment s, int valid, int off) {
        return off + 8 <= valid ? s.get(JAVA_LONG_UNALIGNED, off) : -1;
    }

    /** Every byte written has been acknowledged and nothing waits in the send queue. */
    public boolean drained() {
        return unacked == 0 && notsentBytes <= 0;
    }
}

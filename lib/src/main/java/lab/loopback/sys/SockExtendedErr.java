package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * struct sock_extended_err (include/uapi/linux/errqueue.h): {u32 ee_errno; u8 ee_origin, ee_type, ee_code,
 * ee_pad; u32 ee_info; u32 ee_data;}. For a MSG_ZEROCOPY completion: origin SO_EE_ORIGIN_ZEROCOPY, the
 * range of completed send calls is [ee_info, ee_data], and ee_code carries SO_EE_CODE_ZEROCOPY_COPIED when
 * the kernel fell back to copying.
 */
public record SockExtendedErr(int errno, int origin, int type, int code, long info, long data) {
    public static final int SO_EE_ORIGIN_ZEROCOPY = 5;
    public static final int SO_EE_CODE_ZEROCOPY_COPIED = 1;
    /** cmsg level/type of the error for IPv4 and IPv6 sockets. */
    public static final int SOL_IP = 0, IP_RECVERR = 11, SOL_IPV6 = 41, IPV6_RECVERR = 25;

    public static SockExtendedErr read(MemorySegment s) {
        if (s.byteSize() < 16)
            throw new IllegalArgumentException("sock_extended_err needs 16 bytes, got " + s.byteSize());
        return new SockExtendedErr(
                s.get(JAVA_INT, 0),
                Byte.toUnsignedInt(s.get(JAVA_BYTE, 4)),
                Byte.toUnsignedInt(s.get(JAVA_BYTE, 5)),
                Byte.toUnsignedInt(s.get(JAVA_BYTE, 6)),
                Integer.toUnsignedLong(s.get(JAVA_INT, 8)),
                Integer.toUnsignedLong(s.get(JAVA_INT, 12)));
    }

    public boolean isZerocopy() {
        return origin == SO_EE_ORIGIN_ZEROCOPY && errno == 0;
    }

    public boolean copied() {
        return (code & SO_EE_CODE_ZEROCOPY_COPIED) != 0;
    }
}

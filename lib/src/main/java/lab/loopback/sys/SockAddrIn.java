package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * struct sockaddr_in (16 bytes): sa_family_t sin_family (host order), in_port_t sin_port and struct in_addr
 * sin_addr (network order), 8 bytes of zero padding.
 */
public record SockAddrIn(byte[] address, int port) {
    public static final int SIZE = 16;

    public SockAddrIn {
        if (address.length != 4)
            throw new IllegalArgumentException("IPv4 address must be 4 bytes, got " + address.length);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        address = address.clone();
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    public static SockAddrIn loopback(int port) {
        return new SockAddrIn(Net.LOOPBACK_V4, port);
    }

    public MemorySegment allocate(Arena arena) {
        MemorySegment s = arena.allocate(SIZE, 4);
        s.set(JAVA_SHORT, 0, (short) Net.AF_INET);
        s.set(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        for (int i = 0; i < 4; i++) s.set(JAVA_BYTE, 4 + i, address[i]);
        return s;
    }

    public static SockAddrIn read(MemorySegment s) {
        short family = s.get(JAVA_SHORT, 0);
        if (family != Net.AF_INET) throw new IllegalArgumentException("not an AF_INET address: family " + family);
        int port = Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) a[i] = s.get(JAVA_BYTE, 4 + i);
        return new SockAddrIn(a, port);
    }

    public boolean isLoopback() {
        return address[0] == 127;
    }

    /** For error messages: "127.0.0.1:5201", or "family N" for non-IPv4 buffers. */
    static String describe(MemorySegment s) {
        if (s.equals(MemorySegment.NULL) || s.byteSize() < SIZE) return "?";
        try {
            return read(s).toString();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public String toString() {
        return Byte.toUnsignedInt(address[0]) + "." + Byte.toUnsignedInt(address[1]) + "."
                + Byte.toUnsignedInt(address[2]) + "." + Byte.toUnsignedInt(address[3]) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddrIn other && other.port == port && Arrays.equals(other.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + port;
    }
}

package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An AF_PACKET socket bound to one interface, receiving every frame of every protocol (ETH_P_ALL) as the
 * interface's taps see it — what tcpdump opens. struct sockaddr_ll (20 bytes, linux/if_packet.h):
 * u16 family, be16 protocol, int ifindex, u16 hatype, u8 pkttype, u8 halen, u8 addr[8].
 * Needs CAP_NET_RAW.
 */
public final class PacketSocket implements AutoCloseable {
    public static final int AF_PACKET = 17, SOCK_RAW = 3, ETH_P_ALL = 0x0003;
    /** sll_pkttype: the frame was sent by this host (an interface's outgoing copy). */
    public static final int PACKET_OUTGOING = 4;

    static final int SOL_PACKET = 263, PACKET_STATISTICS = 6, SO_RCVBUFFORCE = 33;
    /** lo frames are up to 64 KiB: the default receive buffer (~208 KiB) holds three of them. */
    static final int RECEIVE_BUFFER = 64 << 20;

    static final int SOCKADDR_LL = 20;
    private static final MethodHandle RECVFROM = Libc.bind(
            "recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment from = arena.allocate(SOCKADDR_LL, 4), fromLen = arena.allocate(JAVA_INT);
    private int lastPktType;

    private PacketSocket(int fd) {
        this.fd = fd;
    }

    /** Opens a non-blocking capture on {@code iface} ("lo"); its index comes from /sys/class/net. */
    public static PacketSocket open(String iface) {
        int index = ifindex(iface);
        int fd = Libc.socket(AF_PACKET, SOCK_RAW | Net.SOCK_CLOEXEC | Net.SOCK_NONBLOCK, htons(ETH_P_ALL));
        PacketSocket s = new PacketSocket(fd);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ll = a.allocate(SOCKADDR_LL, 4);
            ll.set(JAVA_SHORT, 0, (short) AF_PACKET);
            ll.set(JAVA_SHORT_UNALIGNED, 2, (short) htons(ETH_P_ALL));
            ll.set(JAVA_INT, 4, index);
            try {
                Libc.setsockoptInt(fd, Net.SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER);
            } catch (ErrnoException e) {
                Libc.setsockoptInt(fd, Net.SOL_SOCKET, Net.SO_RCVBUF, RECEIVE_BUFFER); // capped by net.core.rmem_max
            }
            Libc.bind(fd, ll, SOCKADDR_LL);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The interface index the kernel gave {@code iface}. */
    public static int ifindex(String iface) {
        if (!iface.matches("[A-Za-z0-9_.-]{1,15}"))
            throw new IllegalArgumentException("'" + iface + "' is not an interface name");
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "ifindex"))
                    .trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "no interface '" + iface + "' (/sys/class/net/" + iface + "/ifindex unreadable)", e);
        }
    }

    /** One frame into {@code buf}: its length (which may exceed the buffer: MSG_TRUNC), 0 when none is waiting. */
    public long receive(MemorySegment buf) {
        MemorySegment slot = Libc.errnoSlot();
        fromLen.set(JAVA_INT, 0, SOCKADDR_LL);
        try {
            long r = (long) RECVFROM.invokeExact(slot, fd, buf, buf.byteSize(), Net.MSG_TRUNC, from, fromLen);
            if (r < 0) {
                int e = Libc.errno(slot);
                if (e == Errno.EAGAIN || e == Errno.EINTR) return 0;
                throw new ErrnoException("recvfrom(AF_PACKET)", e);
            }
            lastPktType = Byte.toUnsignedInt(from.get(JAVA_BYTE, 10));
            return r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Frames the kernel dropped for this socket since the last call (PACKET_STATISTICS; reading resets it). */
    public long drops() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(8, 4);
            Libc.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, st, a.allocateFrom(JAVA_INT, 8));
            return Integer.toUnsignedLong(st.get(JAVA_INT, 4));
        }
    }

    /** sll_pkttype of the last frame received. */
    public int lastPacketType() {
        return lastPktType;
    }

    public int fd() {
        return fd;
    }

    static int htons(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Short.toUnsignedInt(Short.reverseBytes((short) v));
    }

    @Override
    public void close() {
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // gone either way
        }
        arena.close();
    }
}

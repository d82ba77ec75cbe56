package lab.loopback.ipc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.TcpInfo;

/** An AF_INET stream socket on a raw descriptor, made and used only through {@link Libc}. */
public final class TcpSocket extends SocketConnection {
    private TcpSocket(int fd) {
        super(fd);
    }

    public static TcpSocket open() {
        return new TcpSocket(Libc.socket(Net.AF_INET, Net.SOCK_STREAM | Net.SOCK_CLOEXEC, 0));
    }

    /** socket + SO_REUSEADDR + bind + listen; the descriptor is closed again if any step fails. */
    public static TcpSocket listen(SockAddrIn at, int backlog) {
        return listen(at, backlog, 0);
    }

    /**
     * As {@link #listen(SockAddrIn, int)}, and with {@code fastOpenQueue} > 0 TCP_FASTOPEN set before listen(2): the
     * server accepts data in SYNs (up to that many pending), if net.ipv4.tcp_fastopen has the server bit (2).
     */
    public static TcpSocket listen(SockAddrIn at, int backlog, int fastOpenQueue) {
        TcpSocket s = open();
        try (Arena a = Arena.ofConfined()) {
            Libc.setsockoptInt(s.fd, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1);
            Libc.bind(s.fd, at.allocate(a), SockAddrIn.SIZE);
            if (fastOpenQueue > 0) Libc.setsockoptInt(s.fd, Net.IPPROTO_TCP, Net.TCP_FASTOPEN, fastOpenQueue);
            Libc.listen(s.fd, backlog);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public static TcpSocket connect(SockAddrIn to) {
        return connect(to, false);
    }

    /**
     * connect(2); with {@code fastOpen}, TCP_FASTOPEN_CONNECT first, so connect returns at once when a cookie is
     * cached and the first write goes out in the SYN (the kernel falls back to a normal handshake otherwise).
     */
    public static TcpSocket connect(SockAddrIn to, boolean fastOpen) {
        TcpSocket s = open();
        try (Arena a = Arena.ofConfined()) {
            if (fastOpen) Libc.setsockoptInt(s.fd, Net.IPPROTO_TCP, Net.TCP_FASTOPEN_CONNECT, 1);
            Libc.connect(s.fd, to.allocate(a), SockAddrIn.SIZE);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** This listening socket as a transport {@link Listener} (closing it closes the socket). */
    public Listener asListener() {
        return new Listener() {
            @Override
            public String address() {
                return localAddress().toString();
            }

            @Override
            public Connection accept() {
                return TcpSocket.this.accept();
            }

            @Override
            public void close() {
                TcpSocket.this.close();
            }
        };
    }

    public TcpSocket accept() {
        return new TcpSocket(Libc.accept4(fd, Net.SOCK_CLOEXEC));
    }

    public SockAddrIn localAddress() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddrIn.SIZE, 4);
            Libc.getsockname(fd, addr, a.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
            return SockAddrIn.read(addr);
        }
    }

    public SockAddrIn peerAddress() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddrIn.SIZE, 4);
            Libc.getpeername(fd, addr, a.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
            return SockAddrIn.read(addr);
        }
    }

    public void setInt(int level, int option, int value) {
        Libc.setsockoptInt(fd, level, option, value);
    }

    public int getInt(int level, int option) {
        return Libc.getsockoptInt(fd, level, option);
    }

    /** The kernel's TCP_INFO for this connection. */
    public TcpInfo tcpInfo() {
        return TcpInfo.of(fd);
    }

    /** Sets this socket's congestion-control algorithm (TCP_CONGESTION); the host-wide default is untouched. */
    public void setCongestion(String algorithm) {
        try (Arena a = Arena.ofConfined()) {
            byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
            MemorySegment v = a.allocate(name.length);
            v.copyFrom(MemorySegment.ofArray(name));
            Libc.setsockopt(fd, Net.IPPROTO_TCP, Net.TCP_CONGESTION, v, name.length);
        }
    }

    /** This socket's congestion-control algorithm as the kernel reports it. */
    public String congestion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(17); // zeroed: the name is NUL-terminated even at 16 chars
            MemorySegment len = a.allocateFrom(JAVA_INT, 16);
            Libc.getsockopt(fd, Net.IPPROTO_TCP, Net.TCP_CONGESTION, v, len);
            return v.getString(0, StandardCharsets.US_ASCII);
        }
    }
}

package lab.loopback.ipc;

import lab.loopback.sys.SockAddrIn;
import lab.loopback.uring.IoUringSupport;
import lab.loopback.uring.IoUringUnavailableException;

/**
 * TCP over 127.0.0.1 with every read and write submitted through io_uring (IORING_OP_RECV / IORING_OP_SEND, one
 * ring per connection) instead of read(2)/send(2). The bind spec is a port as for {@link TcpLoopback}; a host
 * where io_uring is disabled fails with {@link IoUringUnavailableException} and the reason.
 */
public final class UringTcp implements StreamTransport {
    private final TcpLoopback tcp = new TcpLoopback();

    @Override
    public String id() {
        return "uring";
    }

    @Override
    public Listener listen(String bindSpec) {
        requireUring();
        int port = bindSpec == null || bindSpec.isBlank() ? 0 : TcpLoopback.parsePort(bindSpec);
        TcpSocket s = TcpSocket.listen(SockAddrIn.loopback(port), 16);
        return new Listener() {
            @Override
            public String address() {
                return "127.0.0.1:" + s.localAddress().port();
            }

            @Override
            public Connection accept() {
                return UringConnection.over(s.accept());
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public Connection connect(String address) {
        requireUring();
        return UringConnection.over((TcpSocket) tcp.connect(address));
    }

    private static void requireUring() {
        IoUringSupport.Availability a = IoUringSupport.check();
        if (!a.available()) throw new IoUringUnavailableException(a);
    }
}

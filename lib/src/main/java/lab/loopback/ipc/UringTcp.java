package lab.loopback.ipc;

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
        Listener tcpListener = tcp.listen(bindSpec);
        return new Listener() {
            @Override
            public String address() {
                return tcpListener.address();
            }

            @Override
            public Connection accept() {
                return UringConnection.over((TcpSocket) tcpListener.accept());
            }

            @Override
            public void close() {
                tcpListener.close();
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

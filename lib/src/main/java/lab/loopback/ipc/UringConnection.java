package lab.loopback.ipc;

import java.lang.foreign.MemorySegment;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Net;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;

/** A TCP socket whose reads and writes each go through one io_uring SQE and one io_uring_enter that waits for it. */
public final class UringConnection implements Connection {
    private final TcpSocket socket;
    private final IoUring ring;
    private boolean closed;

    private UringConnection(TcpSocket socket, IoUring ring) {
        this.socket = socket;
        this.ring = ring;
    }

    static UringConnection over(TcpSocket socket) {
        try {
            return new UringConnection(socket, IoUring.setup(4, 0));
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The TCP socket underneath, for socket options and TCP_INFO. */
    public TcpSocket socket() {
        return socket;
    }

    @Override
    public long read(MemorySegment buf, long len) {
        ring.prepRecv(socket.fd(), buf, (int) Math.min(len, Integer.MAX_VALUE), 0, 1);
        return complete("RECV");
    }

    @Override
    public long write(MemorySegment buf, long len) {
        ring.prepSend(socket.fd(), buf, (int) Math.min(len, Integer.MAX_VALUE), Net.MSG_NOSIGNAL, 2);
        return complete("SEND");
    }

    private long complete(String op) {
        ring.submitAndWait(1);
        Cqe c = ring.waitCqe();
        if (c.res() < 0) throw new ErrnoException("io_uring " + op + " on fd " + socket.fd(), -c.res());
        return c.res();
    }

    @Override
    public void shutdownOutput() {
        socket.shutdownOutput();
    }

    @Override
    public int fd() {
        return socket.fd();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            ring.close();
        } finally {
            socket.close();
        }
    }
}

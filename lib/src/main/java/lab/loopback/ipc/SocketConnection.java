package lab.loopback.ipc;

import java.lang.foreign.MemorySegment;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;

/** A stream socket on a raw descriptor: the reads, writes and closing every socket family here shares. */
public abstract class SocketConnection implements Connection {
    protected final int fd;
    private boolean closed;

    SocketConnection(int fd) {
        this.fd = fd;
    }

    @Override
    public long read(MemorySegment buf, long len) {
        return Libc.read(fd, buf, len);
    }

    /** send(MSG_NOSIGNAL): a vanished peer is an EPIPE error here, never a SIGPIPE. */
    @Override
    public long write(MemorySegment buf, long len) {
        return Libc.send(fd, buf, len, Net.MSG_NOSIGNAL);
    }

    @Override
    public void shutdownOutput() {
        Libc.shutdown(fd, Net.SHUT_WR);
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // the descriptor is gone either way; nothing a caller could do
        }
    }
}

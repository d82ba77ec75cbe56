package lab.loopback.ipc;

import lab.loopback.sys.Epoll;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A socket read the way an event loop reads: the descriptor is O_NONBLOCK, a read that would block waits in
 * epoll_wait(2) for EPOLLIN and tries again. (A full send buffer waits in poll(2); the IPC ping-pong never fills one.)
 */
final class EpollWait implements Connection {
    private final Connection c;
    private final Epoll epoll;
    private final MemorySegment pfd = Arena.ofAuto().allocate(PollFd.LAYOUT);

    EpollWait(Connection c) {
        if (!(c instanceof SocketConnection)) throw new IllegalArgumentException("the epoll wait mode is for sockets; " + c.getClass().getSimpleName() + " is none");
        this.c = c;
        NonBlocking.setNonBlocking(c.fd(), true);
        this.epoll = Epoll.watchingInput(c.fd());
    }

    @Override
    public long read(MemorySegment buf, long len) {
        while (true) {
            long n = Libc.sysRead(c.fd(), buf, len);
            if (n >= 0) return n;
            if (n == -Errno.EAGAIN) epoll.awaitInput(NonBlocking.POLL_MILLIS);
            else if (n != -Errno.EINTR) throw new ErrnoException("read(fd " + c.fd() + ", epoll)", (int) -n);
        }
    }

    @Override
    public long write(MemorySegment buf, long len) {
        while (true) {
            long n = Libc.sysSend(c.fd(), buf, len, Net.MSG_NOSIGNAL);
            if (n >= 0) return n;
            if (n != -Errno.EAGAIN && n != -Errno.EINTR) throw new ErrnoException("write(fd " + c.fd() + ", epoll)", (int) -n);
            PollFd.set(pfd, 0, c.fd(), Net.POLLOUT);
            Libc.poll(pfd, 1, NonBlocking.POLL_MILLIS);
        }
    }

    /** epoll_wait calls made so far. */
    long epollWaits() {
        return epoll.waits();
    }

    @Override
    public void shutdownOutput() {
        c.shutdownOutput();
    }

    @Override
    public int fd() {
        return c.fd();
    }

    @Override
    public void close() {
        try {
            epoll.close();
        } finally {
            c.close();
        }
    }
}

package lab.loopback.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.sys.Epoll;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;

/**
 * A connection switched to O_NONBLOCK, used the way the article's "mix blocking and non-blocking flags"
 * warns about: every read and write that would block returns EAGAIN, counted here, and then either waits in
 * poll(2) (the correct way), waits for input in epoll_wait(2) (what an event loop does), or simply tries again
 * (a busy loop). Either way no byte may be lost: the callers' byte checks stay on.
 */
public final class NonBlocking implements Connection {
    /** What a call that would block does before it tries again. */
    public enum Wait {
        POLL,
        EPOLL,
        SPIN
    }

    static final int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800;
    /** A wait in poll(2) gives up after this long and retries, so a vanished peer cannot hang a trial forever. */
    static final int POLL_MILLIS = 1_000;

    private final Connection c;
    private final Wait wait;
    private final Epoll epoll; // EPOLL only: the descriptor registered for EPOLLIN
    private final MemorySegment pfd = Arena.ofAuto().allocate(PollFd.LAYOUT);
    private long wouldBlock, polls;

    /** Sets O_NONBLOCK on {@code c}'s descriptor; {@code spin} retries at once instead of polling. */
    public NonBlocking(Connection c, boolean spin) {
        this(c, spin ? Wait.SPIN : Wait.POLL);
    }

    /** Sets O_NONBLOCK on {@code c}'s descriptor (a socket's: reads and writes go to it with read(2)/send(2)). */
    public NonBlocking(Connection c, Wait wait) {
        if (!(c instanceof SocketConnection))
            throw new IllegalArgumentException(
                    "non-blocking waits are for sockets; " + c.getClass().getSimpleName() + " is none");
        this.c = c;
        this.wait = wait;
        setNonBlocking(c.fd(), true);
        this.epoll = wait == Wait.EPOLL ? Epoll.watchingInput(c.fd()) : null;
    }

    public static void setNonBlocking(int fd, boolean on) {
        int flags = FileCalls.fcntl(fd, F_GETFL, 0);
        FileCalls.fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
    }

    public static boolean isNonBlocking(int fd) {
        return (FileCalls.fcntl(fd, F_GETFL, 0) & O_NONBLOCK) != 0;
    }

    @Override
    public long read(MemorySegment buf, long len) {
        while (true) {
            long n = Libc.sysRead(c.fd(), buf, len);
            if (n >= 0) return n;
            if (n != -Errno.EAGAIN && n != -Errno.EINTR)
                throw new ErrnoException("read(fd " + c.fd() + ", non-blocking)", (int) -n);
            if (n == -Errno.EAGAIN) await(Net.POLLIN);
        }
    }

    @Override
    public long write(MemorySegment buf, long len) {
        while (true) {
            long n = Libc.sysSend(c.fd(), buf, len, Net.MSG_NOSIGNAL);
            if (n >= 0) return n;
            if (n != -Errno.EAGAIN && n != -Errno.EINTR)
                throw new ErrnoException("send(fd " + c.fd() + ", non-blocking)", (int) -n);
            if (n == -Errno.EAGAIN) await(Net.POLLOUT);
        }
    }

    private void await(short events) {
        wouldBlock++;
        if (wait == Wait.SPIN) return;
        polls++;
        if (epoll != null && events == Net.POLLIN) {
            epoll.awaitInput(POLL_MILLIS);
            return;
        }
        PollFd.set(pfd, 0, c.fd(), events);
        Libc.poll(pfd, 1, POLL_MILLIS);
    }

    /** Calls that returned EAGAIN. */
    public long wouldBlock() {
        return wouldBlock;
    }

    /** poll(2) or epoll_wait(2) calls made while waiting (0 when spinning). */
    public long polls() {
        return polls;
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
            if (epoll != null) epoll.close();
        } finally {
            c.close();
        }
    }
}

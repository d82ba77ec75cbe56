package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * One epoll instance watching one descriptor for input: epoll_create1, epoll_ctl(ADD, EPOLLIN), epoll_wait.
 * struct epoll_event is {u32 events; u64 data}, packed to 12 bytes on x86-64 and 16 (data at 8) elsewhere.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x1, EPOLL_CTL_ADD = 1;
    private static final long EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 12 : 16;
    private static final long DATA_OFFSET = EVENT_SIZE == 12 ? 4 : 8;
    private static final MethodHandle CREATE = Libc.bind("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CTL =
            Libc.bind("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle WAIT =
            Libc.bind("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private final int epfd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events = arena.allocate(EVENT_SIZE, 8);
    private boolean closed;

    private Epoll(int epfd) {
        this.epfd = epfd;
    }

    /** An epoll instance with {@code fd} registered for EPOLLIN (level-triggered). */
    public static Epoll watchingInput(int fd) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int e = (int) CREATE.invokeExact(slot, FileCalls.O_CLOEXEC);
            if (e < 0) throw new ErrnoException("epoll_create1", Libc.errno(slot));
            Epoll ep = new Epoll(e);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ev = a.allocate(EVENT_SIZE, 8);
                ev.set(JAVA_INT, 0, EPOLLIN);
                ev.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, fd);
                int r = (int) CTL.invokeExact(slot, e, EPOLL_CTL_ADD, fd, ev);
                if (r < 0) {
                    int errno = Libc.errno(slot);
                    ep.close();
                    throw new ErrnoException("epoll_ctl(ADD, " + fd + ")", errno);
                }
            }
            return ep;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** epoll_wait for one event, retried on EINTR; returns false when {@code timeoutMillis} passed with none. */
    public boolean awaitInput(int timeoutMillis) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            while (true) {
                int r = (int) WAIT.invokeExact(slot, epfd, events, 1, timeoutMillis);
                if (r > 0) return true;
                if (r == 0) return false;
                int errno = Libc.errno(slot);
                if (errno != Errno.EINTR) throw new ErrnoException("epoll_wait(" + epfd + ")", errno);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) return; // a second close must not hit a descriptor number the process has reused
        closed = true;
        try {
            Libc.close(epfd);
        } catch (ErrnoException ignored) {
            // gone either way
        } finally {
            arena.close();
        }
    }
}

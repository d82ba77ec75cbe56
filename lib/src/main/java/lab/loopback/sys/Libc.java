package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Thin, exact bindings of the libc calls the workbench makes, through the FFM API.
 *
 * <p>Each binding captures errno in the same downcall (a later Java call could overwrite it). Two layers:
 * {@code sysXxx} return the raw result or {@code -errno} and allocate nothing (hot paths, non-blocking
 * loops); the plain names throw {@link ErrnoException} naming the call, and retry on EINTR.
 */
@SuppressWarnings(
        "restricted") // binding native calls is this class's whole job; every JVM runs with --enable-native-access
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // One errno slot per thread: the downcall writes it, we read it right after.
    private static final ThreadLocal<MemorySegment> ERRNO_SLOT =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SOCKET =
            bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 =
            bind("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT =
            bind("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ =
            bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SEND =
            bind("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV =
            bind("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMSG =
            bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL =
            bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            bind("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME =
            bind("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME =
            bind("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // open(const char *, int, ...) is variadic: the mode is its first variadic argument
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            symbol("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2),
            CAPTURE_ERRNO);
    private static final MethodHandle GETPID = LINKER.downcallHandle(symbol("getpid"), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETTID = LINKER.downcallHandle(symbol("gettid"), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEUID =
            LINKER.downcallHandle(symbol("geteuid"), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SYSCONF =
            LINKER.downcallHandle(symbol("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(symbol("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }

    /** A downcall to libc's {@code name} that captures errno; the first argument becomes the errno slot. */
    static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(name), fd, CAPTURE_ERRNO);
    }

    /** As {@link #bind}, for a variadic function whose fixed arguments are the first {@code fixed}. */
    static MethodHandle bindVariadic(String name, FunctionDescriptor fd, int fixed) {
        return LINKER.downcallHandle(symbol(name), fd, Linker.Option.firstVariadicArg(fixed), CAPTURE_ERRNO);
    }

    /** This thread's errno slot, to pass as the first argument of a {@link #bind} handle. */
    static MemorySegment errnoSlot() {
        return ERRNO_SLOT.get();
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** The C library's message for an errno value. */
    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    // ---- raw layer: result or -errno, no allocation ------------------------------------------------------

    public static long sysRead(int fd, MemorySegment buf, long len) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long r = (long) READ.invokeExact(slot, fd, buf, len);
            return r < 0 ? -errno(slot) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sysWrite(int fd, MemorySegment buf, long len) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long r = (long) WRITE.invokeExact(slot, fd, buf, len);
            return r < 0 ? -errno(slot) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sysSend(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long r = (long) SEND.invokeExact(slot, fd, buf, len, flags);
            return r < 0 ? -errno(slot) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sysRecv(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long r = (long) RECV.invokeExact(slot, fd, buf, len, flags);
            return r < 0 ? -errno(slot) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recvmsg(2) with a {@link MsgHdr}; result or -errno (MSG_ERRQUEUE reads report EAGAIN as -EAGAIN). */
    public static long sysRecvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            long r = (long) RECVMSG.invokeExact(slot, fd, msghdr, flags);
            return r < 0 ? -errno(slot) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- checked layer: throws ErrnoException, retries EINTR ---------------------------------------------

    public static int socket(int domain, int type, int protocol) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) SOCKET.invokeExact(slot, domain, type, protocol);
            if (r < 0) throw new ErrnoException("socket(" + domain + ", " + type + ", " + protocol + ")", errno(slot));
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void bind(int fd, MemorySegment addr, int addrLen) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) BIND.invokeExact(slot, fd, addr, addrLen);
            if (r < 0) throw new ErrnoException("bind(" + fd + ", " + SockAddrIn.describe(addr) + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void listen(int fd, int backlog) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) LISTEN.invokeExact(slot, fd, backlog);
            if (r < 0) throw new ErrnoException("listen(" + fd + ", " + backlog + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** accept4 with the peer address discarded (pass NULL); see {@link #accept4(int, MemorySegment, MemorySegment, int)}. */
    public static int accept4(int fd, int flags) {
        return accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags);
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            while (true) {
                int r = (int) ACCEPT4.invokeExact(slot, fd, addr, addrLen, flags);
                if (r >= 0) return r;
                int e = errno(slot);
                if (e != Errno.EINTR) throw new ErrnoException("accept4(" + fd + ", flags=" + flags + ")", e);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void connect(int fd, MemorySegment addr, int addrLen) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) CONNECT.invokeExact(slot, fd, addr, addrLen);
            if (r < 0) throw new ErrnoException("connect(" + fd + ", " + SockAddrIn.describe(addr) + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        while (true) {
            long r = sysRead(fd, buf, len);
            if (r >= 0) return r;
            if (r != -Errno.EINTR) throw new ErrnoException("read(" + fd + ", " + len + ")", (int) -r);
        }
    }

    public static long write(int fd, MemorySegment buf, long len) {
        while (true) {
            long r = sysWrite(fd, buf, len);
            if (r >= 0) return r;
            if (r != -Errno.EINTR) throw new ErrnoException("write(" + fd + ", " + len + ")", (int) -r);
        }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) {
        while (true) {
            long r = sysSend(fd, buf, len, flags);
            if (r >= 0) return r;
            if (r != -Errno.EINTR)
                throw new ErrnoException("send(" + fd + ", " + len + ", flags=" + flags + ")", (int) -r);
        }
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        while (true) {
            long r = sysRecv(fd, buf, len, flags);
            if (r >= 0) return r;
            if (r != -Errno.EINTR)
                throw new ErrnoException("recv(" + fd + ", " + len + ", flags=" + flags + ")", (int) -r);
        }
    }

    /** close(2); EINTR is not retried (Linux releases the descriptor anyway). */
    public static void close(int fd) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) CLOSE.invokeExact(slot, fd);
            if (r < 0 && errno(slot) != Errno.EINTR) throw new ErrnoException("close(" + fd + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void shutdown(int fd, int how) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) SHUTDOWN.invokeExact(slot, fd, how);
            if (r < 0) throw new ErrnoException("shutdown(" + fd + ", " + how + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) over an array of {@link PollFd#LAYOUT} entries; returns the number ready (0 on timeout). */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            while (true) {
                int r = (int) POLL.invokeExact(slot, fds, nfds, timeoutMillis);
                if (r >= 0) return r;
                int e = errno(slot);
                if (e != Errno.EINTR) throw new ErrnoException("poll(" + nfds + " fds, " + timeoutMillis + " ms)", e);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) SETSOCKOPT.invokeExact(slot, fd, level, name, value, len);
            if (r < 0) throw new ErrnoException("setsockopt(" + fd + ", " + level + ", " + name + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt(2); {@code lenInOut} holds a socklen_t, in: the buffer size, out: the bytes written. */
    public static void getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenInOut) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) GETSOCKOPT.invokeExact(slot, fd, level, name, value, lenInOut);
            if (r < 0) throw new ErrnoException("getsockopt(" + fd + ", " + level + ", " + name + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockoptInt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            setsockopt(fd, level, name, a.allocateFrom(JAVA_INT, value), Integer.BYTES);
        }
    }

    public static int getsockoptInt(int fd, int level, int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, Integer.BYTES);
            getsockopt(fd, level, name, v, len);
            return v.get(JAVA_INT, 0);
        }
    }

    public static void getsockname(int fd, MemorySegment addr, MemorySegment lenInOut) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) GETSOCKNAME.invokeExact(slot, fd, addr, lenInOut);
            if (r < 0) throw new ErrnoException("getsockname(" + fd + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void getpeername(int fd, MemorySegment addr, MemorySegment lenInOut) {
        MemorySegment slot = ERRNO_SLOT.get();
        try {
            int r = (int) GETPEERNAME.invokeExact(slot, fd, addr, lenInOut);
            if (r < 0) throw new ErrnoException("getpeername(" + fd + ")", errno(slot));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags, int mode) {
        MemorySegment slot = ERRNO_SLOT.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) OPEN.invokeExact(slot, a.allocateFrom(path), flags, mode);
            if (r < 0) throw new ErrnoException("open(" + path + ", " + flags + ")", errno(slot));
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getpid(2): a real syscall on glibc ≥ 2.25 (no pid cache), used as the cheapest syscall to time. */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** gettid(2): the kernel's id of the calling thread, the "pid" tracefs prints for it. */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sysconf(3): the value of {@code name}, or -1 or 0 when the C library does not know it. */
    public static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException("downcall failed", t);
    }
}

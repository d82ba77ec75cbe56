package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The file and pipe calls of the zero-copy techniques: sendfile, splice, vmsplice, pipe2, fcntl, mmap,
 * munmap, posix_fadvise, mincore, fsync. Same two layers as {@link Libc}: {@code sysXxx} return the result or
 * {@code -errno}; the others throw {@link ErrnoException} naming the call.
 */
public final class FileCalls {
    public static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
    public static final int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000;
    public static final int POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4;
    public static final int O_CLOEXEC = 0x80000;
    public static final long PAGE = 4096;

    private static final MethodHandle SENDFILE =
            Libc.bind("sendfile", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SPLICE = Libc.bind(
            "splice", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle VMSPLICE =
            Libc.bind("vmsplice", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PIPE2 = Libc.bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // fcntl(int, int, ...): the argument is variadic
    private static final MethodHandle FCNTL =
            Libc.bindVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle MMAP = Libc.bind(
            "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Libc.bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FADVISE =
            Libc.bind("posix_fadvise", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MINCORE =
            Libc.bind("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle MKFIFO = Libc.bind("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FALLOCATE =
            Libc.bind("posix_fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FSYNC = Libc.bind("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private FileCalls() {}

    /** sendfile(2) from {@code in} at its file position (offset pointer NULL) to {@code out}. */
    public static long sysSendfile(int out, int in, long count) {
        return sysSendfileAt(out, in, MemorySegment.NULL, count);
    }

    /**
     * sendfile(2) from {@code in} at {@code *offset} (an off_t the kernel advances by what it sent; the file position
     * stays as it was), as iperf3 -Z sends its buffer file again and again; NULL: from the file position, advancing it.
     */
    public static long sysSendfileAt(int out, int in, MemorySegment offset, long count) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            long r = (long) SENDFILE.invokeExact(slot, out, in, offset, count);
            return r < 0 ? -Libc.errno(slot) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** splice(2) with both offsets NULL (file position / pipe / socket). */
    public static long sysSplice(int in, int out, long len, int flags) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            long r = (long) SPLICE.invokeExact(slot, in, MemorySegment.NULL, out, MemorySegment.NULL, len, flags);
            return r < 0 ? -Libc.errno(slot) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** vmsplice(2) of {@code nr} struct iovec at {@code iov} into the pipe {@code fd}. */
    public static long sysVmsplice(int fd, MemorySegment iov, long nr, int flags) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            long r = (long) VMSPLICE.invokeExact(slot, fd, iov, nr, flags);
            return r < 0 ? -Libc.errno(slot) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** A pipe: {read end, write end}. */
    public static int[] pipe2(int flags) {
        MemorySegment slot = Libc.errnoSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            int r = (int) PIPE2.invokeExact(slot, fds, flags);
            if (r < 0) throw new ErrnoException("pipe2(flags=" + flags + ")", Libc.errno(slot));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int r = (int) FCNTL.invokeExact(slot, fd, cmd, arg);
            if (r < 0) throw new ErrnoException("fcntl(" + fd + ", " + cmd + ", " + arg + ")", Libc.errno(slot));
            return r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** mmap(2) of {@code len} bytes of {@code fd} from {@code offset} (fd -1 with MAP_ANONYMOUS); the segment spans the mapping. */
    @SuppressWarnings("restricted") // the kernel's mapping is len bytes long: the segment is sized to it
    public static MemorySegment mmap(long len, int prot, int flags, int fd, long offset) {
        if (len <= 0) throw new IllegalArgumentException("mapping length " + len + " must be positive");
        MemorySegment slot = Libc.errnoSlot();
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(slot, MemorySegment.NULL, len, prot, flags, fd, offset);
            if (p.address() == -1L)
                throw new ErrnoException("mmap(" + len + " bytes, fd " + fd + ")", Libc.errno(slot));
            return p.reinterpret(len);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int r = (int) MUNMAP.invokeExact(slot, mapping, mapping.byteSize());
            if (r < 0) throw new ErrnoException("munmap(" + mapping.byteSize() + " bytes)", Libc.errno(slot));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** posix_fadvise(2); it returns the error number itself rather than setting errno. */
    public static void posixFadvise(int fd, long offset, long len, int advice) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int r = (int) FADVISE.invokeExact(slot, fd, offset, len, advice);
            if (r != 0) throw new ErrnoException("posix_fadvise(" + fd + ", advice " + advice + ")", r);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** How many pages of {@code mapping} are resident in memory now, as mincore(2) reports. */
    public static long residentPages(MemorySegment mapping) {
        long pages = (mapping.byteSize() + PAGE - 1) / PAGE;
        MemorySegment slot = Libc.errnoSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment vec = a.allocate(pages);
            int r = (int) MINCORE.invokeExact(slot, mapping, mapping.byteSize(), vec);
            if (r < 0) throw new ErrnoException("mincore(" + mapping.byteSize() + " bytes)", Libc.errno(slot));
            long resident = 0;
            for (long i = 0; i < pages; i++) resident += vec.get(JAVA_BYTE, i) & 1;
            return resident;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static void fsync(int fd) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int r = (int) FSYNC.invokeExact(slot, fd);
            if (r < 0) throw new ErrnoException("fsync(" + fd + ")", Libc.errno(slot));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** mkfifo(3): a named pipe at {@code path} with permission bits {@code mode}. */
    public static void mkfifo(String path, int mode) {
        MemorySegment slot = Libc.errnoSlot();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) MKFIFO.invokeExact(slot, a.allocateFrom(path), mode);
            if (r < 0) throw new ErrnoException("mkfifo(" + path + ")", Libc.errno(slot));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * posix_fallocate(3): reserves the blocks now, so a full tmpfs is an ENOSPC error here rather than a SIGBUS
     * at the first touch of a mapped page. It returns the error number itself rather than setting errno.
     */
    public static void posixFallocate(int fd, long len) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            int r = (int) FALLOCATE.invokeExact(slot, fd, 0L, len);
            if (r != 0) throw new ErrnoException("posix_fallocate(" + fd + ", " + len + " bytes)", r);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}

package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes this process may pin: RLIMIT_MEMLOCK ({@code ulimit -l}), unless it holds CAP_IPC_LOCK. io_uring
 * SEND_ZC counts the pages of every send in flight against it (io_uring/notif.c, per user) until the send's
 * notification, and fails with ENOMEM past it; an unprivileged hosted session typically allows 8 MiB.
 */
public final class LockedMemory {
    static final int RLIMIT_MEMLOCK = 8;
    static final long RLIM_INFINITY = -1L;
    static final int CAP_IPC_LOCK = 14;
    private static final MethodHandle GETRLIMIT =
            Libc.bind("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private LockedMemory() {}

    /** The soft RLIMIT_MEMLOCK in bytes, or {@link Long#MAX_VALUE} when unlimited. */
    public static long softLimit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rlim = a.allocate(JAVA_LONG, 2); // struct rlimit { rlim_t cur, max; }
            MemorySegment slot = Libc.errnoSlot();
            int r = (int) GETRLIMIT.invokeExact(slot, RLIMIT_MEMLOCK, rlim);
            if (r < 0) throw new ErrnoException("getrlimit(RLIMIT_MEMLOCK)", Libc.errno(slot));
            long cur = rlim.getAtIndex(JAVA_LONG, 0);
            return cur == RLIM_INFINITY ? Long.MAX_VALUE : cur;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Whether this process holds CAP_IPC_LOCK in its effective set (then nothing it pins is counted). */
    public static boolean exempt() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:"))
                    return capability(line.substring(7).strip(), CAP_IPC_LOCK);
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean capability(String hexMask, int cap) {
        return ((Long.parseUnsignedLong(hexMask, 16) >>> cap) & 1) == 1;
    }

    /** Bytes this process may have pinned at once: {@link Long#MAX_VALUE} when exempt or unlimited. */
    public static long budget() {
        return exempt() ? Long.MAX_VALUE : softLimit();
    }

    /** For messages: "8 MiB (ulimit -l 8192)", or "unlimited". */
    public static String describe(long bytes) {
        if (bytes == Long.MAX_VALUE) return "unlimited";
        return (bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB") + " (ulimit -l " + (bytes >> 10)
                + ")";
    }
}

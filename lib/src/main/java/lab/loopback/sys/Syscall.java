package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw syscall(2), for calls glibc has no wrapper for (io_uring_setup, io_uring_enter, io_uring_register).
 * Every argument travels as a 64-bit value, as the kernel reads its registers; pointers pass their address.
 */
public final class Syscall {
    /** The io_uring numbers; the same on x86-64 and arm64 (the unified table from 425 on). */
    public static final long IO_URING_SETUP = 425, IO_URING_ENTER = 426, IO_URING_REGISTER = 427;

    private static final MethodHandle SYSCALL = Libc.bindVariadic(
            "syscall",
            FunctionDescriptor.of(
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            1);

    private Syscall() {}

    /** The result, or {@code -errno}. */
    public static long sys(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment slot = Libc.errnoSlot();
        try {
            long r = (long) SYSCALL.invokeExact(slot, nr, a1, a2, a3, a4, a5, a6);
            return r < 0 ? -Libc.errno(slot) : r;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}

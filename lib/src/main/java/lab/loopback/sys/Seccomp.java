package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * seccomp(2) as this workbench meets it: how many filters this process runs under (the kernel's own
 * {@code Seccomp_filters:} line in /proc/self/status), and one filter of its own that makes a single system call
 * fail with an errno, for the whole process and everything it starts — as a container runtime's default profile
 * refuses io_uring_setup with EPERM. That filter lets a test be such a host without changing any host-wide
 * setting (kernel.io_uring_disabled would refuse io_uring to every other process on the machine as well).
 */
public final class Seccomp {
    // linux/prctl.h, linux/seccomp.h, linux/filter.h, linux/audit.h
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1, SECCOMP_FILTER_FLAG_TSYNC = 1;
    private static final int SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_ERRNO = 0x00050000;
    private static final short BPF_LD_W_ABS = 0x20, BPF_JEQ_K = 0x15, BPF_RET_K = 0x06;
    /** struct seccomp_data: int nr at 0, __u32 arch at 4. */
    private static final int DATA_NR = 0, DATA_ARCH = 4;

    /** The running architecture's audit id and the numbers of prctl and seccomp in its table. */
    private record Arch(int audit, long prctl, long seccomp) {
        static Arch current() {
            return switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> new Arch(0xC000003E, 157, 317);
                case "aarch64", "arm64" -> new Arch(0xC00000B7, 167, 277);
                default ->
                    throw new UnsupportedOperationException(
                            "seccomp filters are written here for x86-64 and arm64 only, not "
                                    + System.getProperty("os.arch"));
            };
        }
    }

    private Seccomp() {}

    /**
     * From now on {@code syscall} fails with {@code errno} in every thread of this process and in every process it
     * starts (a filter cannot be removed). Sets no_new_privs first, as an unprivileged caller must.
     */
    public static void refuse(long syscall, int errno) {
        Arch arch = Arch.current();
        long r = Syscall.sys(arch.prctl(), PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
        if (r < 0) throw new ErrnoException("prctl(PR_SET_NO_NEW_PRIVS)", (int) -r);
        try (Arena a = Arena.ofConfined()) {
            // a call of another architecture (x32, ia32) passes: the numbers below are this one's
            int[][] program = {
                {BPF_LD_W_ABS, 0, 0, DATA_ARCH},
                {BPF_JEQ_K, 0, 3, arch.audit()},
                {BPF_LD_W_ABS, 0, 0, DATA_NR},
                {BPF_JEQ_K, 0, 1, (int) syscall},
                {BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | (errno & 0xffff)},
                {BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW},
            };
            MemorySegment filter =
                    a.allocate(8L * program.length, 8); // struct sock_filter { u16 code; u8 jt, jf; u32 k; }
            for (int i = 0; i < program.length; i++) {
                long at = 8L * i;
                filter.set(JAVA_SHORT, at, (short) program[i][0]);
                filter.set(JAVA_BYTE, at + 2, (byte) program[i][1]);
                filter.set(JAVA_BYTE, at + 3, (byte) program[i][2]);
                filter.set(JAVA_INT, at + 4, program[i][3]);
            }
            MemorySegment fprog =
                    a.allocate(16, 8); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            fprog.set(JAVA_SHORT, 0, (short) program.length);
            fprog.set(ADDRESS, 8, filter);
            // TSYNC: the JVM's other threads already run, and each thread has its own filter list
            r = Syscall.sys(
                    arch.seccomp(), SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog.address(), 0, 0, 0);
        }
        if (r < 0) throw new ErrnoException("seccomp(SECCOMP_SET_MODE_FILTER)", (int) -r);
        if (r > 0) throw new IllegalStateException("seccomp: thread " + r + " could not take the filter (TSYNC)");
    }

    /** How many seccomp filters this process runs under, as the kernel reports it; empty when it does not say. */
    public static OptionalInt filters() {
        return filters(Path.of("/proc/self/status"));
    }

    static OptionalInt filters(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Seccomp_filters:"))
                    return OptionalInt.of(Integer.parseInt(line.substring(16).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }
}

package lab.loopback.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import lab.loopback.sys.Errno;
import lab.loopback.sys.Libc;
import lab.loopback.sys.ProcFiles;
import lab.loopback.sys.Seccomp;

/**
 * Whether this process may use io_uring, and if not, exactly why — as a value. The kernel answers
 * io_uring_setup(2) with EPERM when {@code kernel.io_uring_disabled} is 2 (or 1 and the caller is outside
 * {@code kernel.io_uring_group}), with ENOSYS when it was built without io_uring, and a seccomp filter (a
 * container runtime's, say) typically makes it fail with EPERM or ENOSYS as well.
 */
public final class IoUringSupport {
    static final Path DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");
    static final Path GROUP = Path.of("/proc/sys/kernel/io_uring_group");

    /** {@code errno} 0 when available. */
    public record Availability(boolean available, int errno, String reason) {
        static Availability yes() {
            return new Availability(true, 0, null);
        }
    }

    private IoUringSupport() {}

    /** Tries to create (and at once closes) a two-entry ring. */
    public static Availability check() {
        long fd = IoUring.setupRaw(2, 0, Arena.ofAuto().allocate(IoUring.PARAMS_SIZE, 8));
        if (fd >= 0) {
            Libc.close((int) fd);
            return Availability.yes();
        }
        return explainHere((int) -fd);
    }

    /**
     * Why this kernel's io_uring cannot run {@code op}, or null when it can: io_uring itself refused, or the kernel's
     * own opcode probe (IORING_REGISTER_PROBE) says the opcode is unsupported (5.10 has no IORING_OP_SEND_ZC, which
     * arrived in 6.0). Asking first turns an EINVAL in the middle of a transfer into a finding about the kernel.
     */
    public static String unsupported(int op) {
        Availability a = check();
        if (!a.available()) return a.reason();
        try (IoUring ring = IoUring.setup(2, 0)) {
            List<IoUring.ProbeOp> probe = ring.probe();
            if (probe.stream().anyMatch(o -> o.op() == op && o.supported())) return null;
            return "this kernel's io_uring does not support " + IoUringOp.name(op) + " (its probe lists "
                    + probe.stream().filter(IoUring.ProbeOp::supported).count() + " supported opcodes)";
        }
    }

    /** {@link #explain} with this host's sysctls and this process's seccomp filters. */
    static Availability explainHere(int errno) {
        return explain(errno, read(DISABLED), read(GROUP), Seccomp.filters());
    }

    /**
     * The reason for a failed io_uring_setup, from its errno, the two sysctls as read (null when absent) and the
     * number of seccomp filters the kernel says this process runs under; a pure function, so each restricted-host
     * case can be tested without being that host.
     */
    public static Availability explain(
            int errno, String disabledSysctl, String groupSysctl, OptionalInt seccompFilters) {
        String call = "io_uring_setup failed with " + Errno.name(errno) + " (" + Libc.strerror(errno) + ")";
        String d = disabledSysctl == null ? null : disabledSysctl.trim();
        String why;
        if (errno == Errno.EPERM && "2".equals(d)) {
            why = call + ": kernel.io_uring_disabled=2 disables io_uring for every process";
        } else if (errno == Errno.EPERM && "1".equals(d)) {
            why = call
                    + ": kernel.io_uring_disabled=1 allows it only to CAP_SYS_ADMIN and to members of kernel.io_uring_group ("
                    + (groupSysctl == null ? "not readable" : "gid " + groupSysctl.trim()) + ")";
        } else if (errno == Errno.EPERM) {
            String allows = call + ": kernel.io_uring_disabled=" + (d == null ? "(not present)" : d) + " allows it";
            if (seccompFilters.isEmpty())
                why = allows + ", so a seccomp filter or security module is refusing the call";
            else if (seccompFilters.getAsInt() > 0)
                why = allows + ", and this process runs under " + seccompFilters.getAsInt()
                        + " seccomp filter(s) (Seccomp_filters in /proc/self/status): a filter refuses the call, as container runtimes' default profiles do";
            else
                why = allows
                        + " and no seccomp filter applies (Seccomp_filters: 0), so a security module (SELinux, AppArmor, a BPF LSM) is refusing it";
        } else if (errno == Errno.ENOSYS) {
            boolean filtered = seccompFilters.isPresent() && seccompFilters.getAsInt() > 0;
            why = call + ": the kernel has no io_uring (built without CONFIG_IO_URING, or older than 5.1)"
                    + (filtered
                            ? ", or one of this process's " + seccompFilters.getAsInt()
                                    + " seccomp filter(s) answers ENOSYS for it"
                            : "");
        } else if (errno == Errno.ENOMEM) {
            why = call + ": the ring's memory could not be allocated or locked (RLIMIT_MEMLOCK on kernels before 5.12)";
        } else {
            why = call;
        }
        return new Availability(false, errno, why);
    }

    static String read(Path p) {
        try {
            return ProcFiles.read(p).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}

package lab.loopback.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import lab.loopback.measure.ChildJvm;
import lab.loopback.sys.Errno;
import lab.loopback.sys.Seccomp;
import lab.loopback.sys.Syscall;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** io_uring refused is a value with its reason, never a crash: each restricted case, and the real kernel refusing it. */
class IoUringSupportTest {
    /** An opcode the kernel lacks is a sentence about the kernel (5.10 has no SEND_ZC); one it has is no reason. */
    @Test
    void anOpcodeTheKernelsProbeDoesNotListIsNamed() {
        Assumptions.assumeTrue(IoUringSupport.check().available(), "io_uring is refused here");
        assertNull(IoUringSupport.unsupported(IoUringOp.NOP), "every io_uring kernel has NOP");
        String why = IoUringSupport.unsupported(250); // past every opcode a kernel has
        assertTrue(
                why.startsWith("this kernel's io_uring does not support opcode 250 (its probe lists ")
                        && why.endsWith(" supported opcodes)"),
                why);
    }

    @Test
    void eachRefusalNamesItsCause() {
        var d2 = IoUringSupport.explain(Errno.EPERM, "2", "0", OptionalInt.empty());
        assertFalse(d2.available());
        assertEquals(Errno.EPERM, d2.errno());
        assertTrue(d2.reason().contains("EPERM") && d2.reason().contains("kernel.io_uring_disabled=2"), d2.reason());
        var d1 = IoUringSupport.explain(Errno.EPERM, "1", "1234", OptionalInt.empty());
        assertTrue(d1.reason().contains("io_uring_group") && d1.reason().contains("gid 1234"), d1.reason());
        var seccomp = IoUringSupport.explain(Errno.EPERM, "0", null, OptionalInt.empty());
        assertTrue(seccomp.reason().contains("seccomp"), seccomp.reason());
        var none = IoUringSupport.explain(Errno.ENOSYS, null, null, OptionalInt.of(0));
        assertTrue(none.reason().contains("ENOSYS") && none.reason().contains("CONFIG_IO_URING"), none.reason());
    }

    @Test
    void seccompFilterCountNamesTheCause() {
        var filtered = IoUringSupport.explain(Errno.EPERM, "0", null, OptionalInt.of(2));
        assertTrue(filtered.reason().contains("2 seccomp filter(s)"), filtered.reason());
        var lsm = IoUringSupport.explain(Errno.EPERM, "0", null, OptionalInt.of(0));
        assertTrue(
                lsm.reason().contains("security module") && !lsm.reason().contains("a filter refuses"), lsm.reason());
        var enosys = IoUringSupport.explain(Errno.ENOSYS, null, null, OptionalInt.of(1));
        assertTrue(enosys.reason().contains("seccomp"), enosys.reason());
    }

    /**
     * The real kernel refusing io_uring_setup, in a child JVM under a seccomp filter of its own (as a container's
     * default profile refuses it): reported with its cause, never thrown past the caller. Host-wide
     * kernel.io_uring_disabled is never touched: it would refuse io_uring to everything else running on the machine.
     */
    @Test
    void refusedBySeccompIsReportedNotThrown() {
        try (ChildJvm child = ChildJvm.start(RefusedIoUring.class, List.of())) {
            assertEquals("0", child.expectLine("filters-before ", 30_000));
            String reason = child.expectLine("check ", 30_000);
            assertTrue(reason.contains("EPERM") && reason.contains("1 seccomp filter(s)"), reason);
            assertEquals("EPERM", child.expectLine("setup threw ", 30_000));
        }
    }

    /** The child: installs the filter, then asks as the workbench does. */
    static final class RefusedIoUring {
        public static void main(String[] args) {
            System.out.println("filters-before " + Seccomp.filters().orElse(-1));
            Seccomp.refuse(Syscall.IO_URING_SETUP, Errno.EPERM);
            var a = IoUringSupport.check();
            System.out.println("check " + (a.available() ? "available" : a.reason()));
            try (IoUring _ = IoUring.setup(4, 0)) {
                System.out.println("setup threw nothing");
            } catch (IoUringUnavailableException e) {
                System.out.println("setup threw " + Errno.name(e.availability().errno()));
            }
        }
    }
}

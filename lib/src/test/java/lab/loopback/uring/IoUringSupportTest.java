package lab.loopback.uring;

import lab.loopback.sys.Errno;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** io_uring refused is a value with its reason, never a crash: each restricted case, and the real sysctl when root. */
class IoUringSupportTest {
    @Test
    void eachRefusalNamesItsCause() {
        var d2 = IoUringSupport.explain(Errno.EPERM, "2", "0");
        assertFalse(d2.available());
        assertEquals(Errno.EPERM, d2.errno());
        assertTrue(d2.reason().contains("EPERM") && d2.reason().contains("kernel.io_uring_disabled=2"), d2.reason());
        var d1 = IoUringSupport.explain(Errno.EPERM, "1", "1234");
        assertTrue(d1.reason().contains("io_uring_group") && d1.reason().contains("gid 1234"), d1.reason());
        var seccomp = IoUringSupport.explain(Errno.EPERM, "0", null);
        assertTrue(seccomp.reason().contains("seccomp"), seccomp.reason());
        var none = IoUringSupport.explain(Errno.ENOSYS, null, null);
        assertTrue(none.reason().contains("ENOSYS") && none.reason().contains("CONFIG_IO_URING"), none.reason());
    }

    @Test
    void disabledBySysctlIsReportedNotThrown() throws Exception {
        var sysctl = IoUringSupport.DISABLED;
        Assumptions.assumeTrue(Files.isWritable(sysctl) && Libc.geteuid() == 0, "needs root and " + sysctl);
        String before = Files.readString(sysctl).trim();
        try {
            Files.writeString(sysctl, "2");
            var a = IoUringSupport.check();
            assertFalse(a.available());
            assertEquals(Errno.EPERM, a.errno());
            assertTrue(a.reason().contains("kernel.io_uring_disabled=2"), a.reason());
            var e = assertThrows(IoUringUnavailableException.class, () -> IoUring.setup(4, 0));
            assertEquals(Errno.EPERM, e.availability().errno());
        } finally {
            Files.writeString(sysctl, before);
        }
        assertEquals(before, Files.readString(sysctl).trim(), "the sysctl is restored");
    }
}

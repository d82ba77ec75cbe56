package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class LibcTest {
    @Test
    void errnoBecomesAnExceptionNamingTheCallAndTheError() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.socket(12345, Net.SOCK_STREAM, 0));
        assertEquals(Errno.EAFNOSUPPORT, e.errno());
        assertTrue(e.getMessage().startsWith("socket(12345, 1, 0) failed: EAFNOSUPPORT ("), e.getMessage());
        assertTrue(e.getMessage().contains(Libc.strerror(Errno.EAFNOSUPPORT)));
    }

    @Test
    void closingABadDescriptorIsEbadf() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Libc.close(-1));
        assertEquals("EBADF", e.errnoName());
        assertEquals("close(-1)", e.call());
    }

    @Test
    void rawLayerReturnsNegativeErrnoInsteadOfThrowing() {
        assertEquals(-Errno.EBADF, Libc.sysWrite(-1, MemorySegment.NULL, 0));
    }

    @Test
    void strerrorGivesTheLibraryText() {
        assertEquals("Connection refused", Libc.strerror(Errno.ECONNREFUSED));
        assertEquals("errno 4000", Errno.name(4000));
    }

    @Test
    void getpidMatchesTheJvmsOwnPid() {
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
    }
}

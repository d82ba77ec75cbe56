package lab.loopback.kernel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Comparator;
import java.util.List;
import lab.loopback.sys.MsgHdr;
import lab.loopback.sys.SockExtendedErr;
import lab.loopback.sys.ZerocopyNotices;
import org.junit.jupiter.api.Test;

class ZerocopyProbeTest {
    @Test
    void theKernelAnswersForEverySendCall() {
        ZerocopyProbe.Result r = ZerocopyProbe.run(64, 65536, 10_000);
        assumeTrue(r.unavailable() == null, () -> "SO_ZEROCOPY unavailable: " + r.unavailable());
        assertEquals(64L * 65536, r.bytes());
        assertTrue(r.complete(), "every send call got its notice: " + r.completions());
        // the notices cover 0..63 exactly once, in ranges
        List<ZerocopyNotices.Completion> sorted = r.completions().stream()
                .sorted(Comparator.comparingLong(ZerocopyNotices.Completion::first))
                .toList();
        long next = 0;
        for (var c : sorted) {
            assertEquals(next, c.first(), "no gap or overlap: " + sorted);
            assertTrue(c.last() >= c.first());
            next = c.last() + 1;
        }
        assertEquals(64, next);
        assertTrue(r.sendsReportedCopied() >= 0 && r.sendsReportedCopied() <= 64);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ZerocopyProbe.run(0, 4096, 100));
    }

    @Test
    @SuppressWarnings("restricted") // the control buffer MsgHdr allocated is 64 bytes
    void decodesAnExtendedErrorFromAControlMessage() {
        try (Arena a = Arena.ofConfined()) {
            MsgHdr m = new MsgHdr(a, MemorySegment.NULL, 64);
            // lay out one cmsg by hand as the kernel would: len 16+16, SOL_IP, IP_RECVERR, sock_extended_err
            MemorySegment control = m.segment().get(ValueLayout.ADDRESS, 32).reinterpret(64);
            control.set(JAVA_LONG, 0, 32);
            control.set(JAVA_INT, 8, SockExtendedErr.SOL_IP);
            control.set(JAVA_INT, 12, SockExtendedErr.IP_RECVERR);
            control.set(JAVA_INT, 16, 0);
            control.set(JAVA_BYTE, 20, (byte) SockExtendedErr.SO_EE_ORIGIN_ZEROCOPY);
            control.set(JAVA_BYTE, 22, (byte) SockExtendedErr.SO_EE_CODE_ZEROCOPY_COPIED);
            control.set(JAVA_INT, 24, 3);
            control.set(JAVA_INT, 28, 9);
            m.segment().set(JAVA_LONG, 40, 32); // msg_controllen as the kernel leaves it
            List<MsgHdr.Cmsg> cm = m.controlMessages();
            assertEquals(1, cm.size());
            SockExtendedErr e = SockExtendedErr.read(cm.getFirst().data());
            assertTrue(e.isZerocopy());
            assertTrue(e.copied());
            assertEquals(3, e.info());
            assertEquals(9, e.data());
            m.reset();
            control.set(JAVA_BYTE, 22, (byte) 0);
            m.segment().set(JAVA_LONG, 40, 32);
            assertFalse(
                    SockExtendedErr.read(m.controlMessages().getFirst().data()).copied());
        }
    }
}

package lab.loopback.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import lab.loopback.kernel.Tracefs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WakeupProbeTest {
    private static Tracefs tracefs;
    private static WakeupProbe.Result result;

    @BeforeAll
    static void probe() {
        tracefs = Tracefs.locate(true);
        result = WakeupProbe.run(tracefs, 40, 10);
    }

    @AfterAll
    static void release() {
        tracefs.release();
    }

    @Test
    void everyMessageIsAnsweredInOrderWithTimesThatFollowEachOther() {
        assertEquals(40, result.messages().size());
        for (int i = 0; i < 40; i++) {
            WakeupProbe.Message m = result.messages().get(i);
            assertEquals(10 + i, m.seq());
            assertTrue(m.writeStart() <= m.writeEnd(), "write returns after it was called");
            assertTrue(
                    m.readReturn() > m.writeStart(),
                    "the reader returns after the write was called (one system-wide clock)");
        }
    }

    @Test
    void theTraceSplitsEachMessageAtSkDataReady() {
        assumeTrue(result.trace() != null, () -> "no trace: " + result.traceUnavailable());
        List<WakeupProbe.Breakdown> b = WakeupProbe.breakdown(result);
        assertFalse(b.isEmpty(), "sk_data_ready of the sending thread was recorded");
        for (WakeupProbe.Breakdown x : b) {
            assertEquals(
                    x.oneWayNanos(), x.kernelPathNanos() + x.wakeNanos(), "the two parts add up to the one-way time");
        }
        List<WakeupProbe.Point> t = WakeupProbe.timeline(result, b.getFirst().seq());
        List<String> what = t.stream().map(WakeupProbe.Point::what).toList();
        assertTrue(what.contains("sk_data_ready"), what.toString());
        assertTrue(what.stream().anyMatch(w -> w.startsWith("net_dev_xmit (dev=lo)")), what.toString());
        int ready = what.indexOf("sk_data_ready"), read = what.indexOf("read() returned");
        assertTrue(ready < read, "data is ready before the reader returns: " + what);
        assertThrows(IllegalArgumentException.class, () -> WakeupProbe.timeline(result, 9999));
    }

    @Test
    void badCountsAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> WakeupProbe.run(tracefs, 0, 0));
        assertTrue(e.getMessage().contains("0"));
    }
}

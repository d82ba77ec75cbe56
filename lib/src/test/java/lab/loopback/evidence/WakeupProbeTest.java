package lab.loopback.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.Placement;
import lab.loopback.sys.CpuAffinity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WakeupProbeTest {
    private static Tracefs tracefs;
    private static WakeupProbe.Result result, placed;

    @BeforeAll
    static void probe() {
        tracefs = Tracefs.locate(true);
        result = WakeupProbe.run(tracefs, 40, 10);
        List<Integer> mine = CpuAffinity.of(0);
        if (mine.size() >= 2) placed = WakeupProbe.run(tracefs, 40, 10, Placement.TWO_CPUS);
    }

    @AfterAll
    static void release() {
        tracefs.release();
    }

    @Test
    void everyMessageIsAnsweredInOrderWithTimesThatFollowEachOther() {
        assertEquals(40, result.untraced().size());
        for (int i = 0; i < 40; i++) {
            WakeupProbe.Message m = result.untraced().get(i);
            assertEquals(10 + i, m.seq());
            assertTrue(m.writeStart() <= m.writeEnd(), "write returns after it was called");
            assertTrue(
                    m.readReturn() > m.writeStart(),
                    "the reader returns after the write was called (one system-wide clock)");
        }
        if (result.trace() != null) {
            assertEquals(40, result.messages().size(), "a traced pass of its own after the untraced one");
            assertEquals(50, result.messages().getFirst().seq());
        } else assertEquals(List.of(), result.messages());
        assertEquals(Placement.SCHEDULER, result.placement());
    }

    @Test
    void aPlacedProbeSplitsTheWakeUpAtTheSchedulersEvents() {
        List<Integer> mine = CpuAffinity.of(0);
        assumeTrue(placed != null, () -> "needs two CPUs; this thread may run on " + mine);
        assertEquals(mine, CpuAffinity.of(0), "the sender's CPU set is restored");
        assumeTrue(placed.trace() != null, () -> "no trace: " + placed.traceUnavailable());
        assumeTrue(placed.missingEvents().isEmpty(), () -> "events missing: " + placed.missingEvents());
        List<WakeupProbe.Breakdown> b = WakeupProbe.breakdown(placed).stream()
                .filter(WakeupProbe.Breakdown::seen)
                .toList();
        assertFalse(b.isEmpty());
        assertTrue(b.stream().allMatch(x -> x.placement().equals("two-cpus")));
        long split = b.stream()
                .filter(x -> x.runnableNanos() >= 0 && x.onCpuNanos() >= 0)
                .count();
        assertTrue(
                split * 2 > b.size(),
                "most messages show the reader's sched_wakeup and then the reader running: " + split);
        for (WakeupProbe.Breakdown x : b)
            if (x.onCpuNanos() >= 0)
                assertTrue(x.runnableNanos() + x.onCpuNanos() <= x.wakeNanos() + 2_000, "the parts fit in the wake-up");
        List<String> what = WakeupProbe.timeline(placed, b.get(b.size() / 2).seq()).stream()
                .map(WakeupProbe.Point::what)
                .toList();
        assertTrue(what.contains("sched_wakeup of the reader"), what.toString());
        assertTrue(
                what.contains("the reader on a CPU (" + mine.get(1) + ")"),
                "the reader ran on the CPU it was pinned to: " + what);
    }

    @Test
    void theTraceSplitsEachMessageAtSkDataReady() {
        assumeTrue(result.trace() != null, () -> "no trace: " + result.traceUnavailable());
        List<WakeupProbe.Breakdown> all = WakeupProbe.breakdown(result);
        assertEquals(result.messages().size(), all.size(), "a row for every traced message, seen or not");
        assertFalse(result.softirqTids().isEmpty(), "the ksoftirqd threads are admitted to the trace");
        List<WakeupProbe.Breakdown> b =
                all.stream().filter(WakeupProbe.Breakdown::seen).toList();
        assertFalse(b.isEmpty(), "sk_data_ready was recorded");
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

package lab.loopback.measurements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.measure.Placement;
import lab.loopback.measure.StreamTrial;
import org.junit.jupiter.api.Test;

/** The sweep's rates are per placement of the peers, never pooled, and its "best" names the placement it took. */
class StreamSweepTest {
    /** A verified trial moving 1 GB in {@code seconds}: 8 / seconds Gbit/s. */
    static StreamTrial trial(int size, String phase, Placement pl, double seconds) {
        long bytes = 1_000_000_000L;
        return new StreamTrial(
                "tcp-lo", size, size, phase, 0, bytes, bytes, -1, seconds, 1, 1, -1, -1, 1, 1, 0, 1, 1, pl.id());
    }

    @Test
    void ratesArePerPlacementAndTheBestNamesItsPlacement() {
        List<StreamTrial> trials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // one vCPU: 8 Gbit/s at 64 KiB, 4 at 1 MiB; two vCPUs: 4 at 64 KiB, 16 at 1 MiB
            trials.add(trial(65536, "timed", Placement.SAME_CPU, 1));
            trials.add(trial(65536, "timed", Placement.TWO_CPUS, 2));
            trials.add(trial(1 << 20, "timed", Placement.SAME_CPU, 2));
            trials.add(trial(1 << 20, "timed", Placement.TWO_CPUS, 0.5));
        }
        // a warm-up is never counted
        trials.add(trial(65536, "warmup", Placement.TWO_CPUS, 0.1));
        StreamSweep s = new StreamSweep(trials, List.of(), List.of());
        assertEquals(List.of("same-cpu", "two-cpus"), s.placements());
        assertEquals(8, s.javaGbit(65536, "same-cpu").median(), 1e-9);
        assertEquals(4, s.javaGbit(65536, "two-cpus").median(), 1e-9);
        assertEquals("same-cpu", s.fastestPlacement(65536));
        assertEquals("two-cpus", s.fastestPlacement(1 << 20));
        assertEquals(16, s.javaGbit(1 << 20).median(), 1e-9, "the best placement's median, not a pooled one");
        assertThrows(IllegalArgumentException.class, () -> s.fastestPlacement(4096));
        // the fastest stream names its configuration: here the harness on two vCPUs at 1 MiB (no iperf3)
        assertEquals(
                new StreamSweep.Fastest("the harness, " + Placement.TWO_CPUS.describe(), 1 << 20, 16), s.fastest());
        assertEquals(2e9, s.fastest().bytesPerSecond(), 1e-3);
    }

    @Test
    void theProfilesTrialsAreSharedAmongThePlacementsButNeverBelowThree() {
        assertEquals(5, StreamSweep.trialsPerPlacement(10, 2));
        assertEquals(10, StreamSweep.trialsPerPlacement(10, 1));
        assertEquals(3, StreamSweep.trialsPerPlacement(3, 2));
        assertEquals(4, StreamSweep.trialsPerPlacement(7, 2));
    }
}

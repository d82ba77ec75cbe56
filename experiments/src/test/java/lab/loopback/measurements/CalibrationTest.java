package lab.loopback.measurements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import org.junit.jupiter.api.Test;

/** How paired rounds become the calibration's summary: grouping, the paired ratio, and the target's three answers. */
class CalibrationTest {

    private static Calibration.Pair stream(int size, String placement, int round, double java, double iperf3) {
        String first = round % 2 == 0 ? "java" : "tool";
        // ksoftirqd beside the harness 0.20, 0.22, …; beside iperf3 0.30, 0.31, …; unseen (NaN) in round 3
        return new Calibration.Pair(
                "iperf 3.12",
                size,
                placement,
                round,
                first,
                java,
                iperf3,
                "Gbit/s",
                java / iperf3,
                0.1 * round,
                65536,
                round == 3 ? Double.NaN : 0.2 + 0.02 * round,
                round == 3 ? Double.NaN : 0.3 + 0.01 * round,
                0.01 * round,
                0.02 * round,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    @Test
    void oneRowPerSizeAndPlacementWithThePairedRatiosMedian() {
        List<Calibration.Pair> pairs = new ArrayList<>();
        // six rounds at 64 KiB on one vCPU, the host drifting from 10 to 15 Gbit/s: per-round ratios 0.70 … 1.20
        double[] ratios = {0.7, 0.8, 0.9, 1.0, 1.1, 1.2};
        for (int r = 0; r < ratios.length; r++) pairs.add(stream(65536, "same-cpu", r, ratios[r] * (10 + r), 10 + r));
        pairs.add(stream(65536, "two-cpus", 0, 5, 10));
        List<Calibration.Summary> s = Calibration.summarize(pairs);
        assertEquals(2, s.size());
        Calibration.Summary one = s.getFirst();
        assertEquals("same-cpu", one.placement());
        assertEquals(6, one.rounds());
        assertEquals(0.95, one.ratioMedian(), 1e-9);
        assertEquals(0.7, one.ratioLow(), 1e-9); // six samples: [min, max] covers 96.9 %
        assertEquals(1.2, one.ratioHigh(), 1e-9);
        assertEquals("undecided", one.meetsTarget()); // the interval straddles 0.95
        assertEquals("≥ 0.95", one.target());
        assertEquals(0.25, one.javaVerifyShareMedian(), 1e-9); // rounds 0 … 5: 0.0 … 0.5
        assertEquals(65536, one.javaReadSize());
        // the ksoftirqd shares' medians leave out the round that did not see them: 0.20 0.22 0.24 0.28 0.30
        assertEquals(0.24, one.javaKsoftirqdShareMedian(), 1e-9);
        assertEquals(0.32, one.referenceKsoftirqdShareMedian(), 1e-9);
        assertTrue(Double.isNaN(one.clientCpuExtraMicrosMedian()), "a stream has no round trips");
        assertEquals("too few rounds (interval covers 0 %)", s.get(1).meetsTarget());
        assertEquals(0.5, s.get(1).ratioMedian(), 1e-9);
    }

    @Test
    void aTargetIsMetOnlyWhenTheWholeIntervalIsOnItsSide() {
        // six rounds: the interval is [min, max] and covers 96.9 %
        assertEquals("yes", Calibration.meets(Estimate.ofMedian(0.96, 1.0, 1.1, 0.97, 0.99, 1.02), 0.95, true));
        assertEquals("no", Calibration.meets(Estimate.ofMedian(0.5, 0.7, 0.94, 0.8, 0.6, 0.9), 0.95, true));
        assertEquals("undecided", Calibration.meets(Estimate.ofMedian(0.9, 1.0, 0.96, 0.97, 0.99, 1.02), 0.95, true));
        // a ping-pong ratio is a time: lower is better
        assertEquals("yes", Calibration.meets(Estimate.ofMedian(0.9, 1.0, 1.05, 0.95, 1.01, 0.99), 1.05, false));
        assertEquals("no", Calibration.meets(Estimate.ofMedian(1.06, 1.2, 1.1, 1.3, 1.07, 1.08), 1.05, false));
        assertEquals("undecided", Calibration.meets(Estimate.ofMedian(1.0, 1.2, 1.1, 1.0, 1.04, 1.06), 1.05, false));
        // fewer rounds decide nothing, however far from the target they lie
        assertEquals(
                "too few rounds (interval covers 75 %)",
                Calibration.meets(Estimate.ofMedian(0.1, 0.2, 0.3), 0.95, true));
        assertEquals("too few rounds (interval covers 0 %)", Calibration.meets(Estimate.ofMedian(2.0), 1.05, false));
    }

    @Test
    void aPingPongSummaryIsJudgedAgainstItsOwnTarget() {
        List<Calibration.Pair> pairs = new ArrayList<>();
        double[] java = {50, 51, 49, 50, 52, 50}, sockperf = {52, 50, 50, 51, 51, 50};
        for (int r = 0; r < java.length; r++)
            pairs.add(new Calibration.Pair(
                    "sockperf 3.7",
                    64,
                    "two-cpus",
                    r,
                    r % 2 == 0 ? "java" : "tool",
                    java[r],
                    sockperf[r],
                    "µs p50",
                    java[r] / sockperf[r],
                    Double.NaN,
                    64,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    9.9 + 0.1 * r,
                    9.7,
                    9.4,
                    r == 5 ? Double.NaN : 9.3));
        Calibration.Summary s = Calibration.summarize(pairs).getFirst();
        assertEquals("≤ 1.05", s.target());
        assertEquals("yes", s.meetsTarget()); // every ratio is within 0.96 … 1.02
        assertEquals(50, s.javaMedian(), 1e-9);
        assertEquals(50.5, s.referenceMedian(), 1e-9);
        assertTrue(Double.isNaN(s.javaVerifyShareMedian()), "a ping-pong verifies no stream");
        assertTrue(Double.isNaN(s.javaKsoftirqdShareMedian()), "nor records ksoftirqd");
        // the client's extra CPU a round trip: 0.5, 0.6, … 1.0 µs; the server's 0.4 in the five rounds it was measured
        assertEquals(0.75, s.clientCpuExtraMicrosMedian(), 1e-9);
        assertEquals(0.4, s.serverCpuExtraMicrosMedian(), 1e-9);
    }

    @Test
    void theSendfileFileIsWholePatternPeriodsNearTheWriteSize() {
        long period = lab.loopback.measure.KnownPattern.PERIOD;
        assertEquals(period, Calibration.sendfileBytes(16384), "at least one period");
        assertEquals(period, Calibration.sendfileBytes(65536));
        assertEquals(16 * period, Calibration.sendfileBytes(1 << 20));
        assertEquals(2 * period, Calibration.sendfileBytes(131072));
    }

    @Test
    void aRunsPlanIsItsProfilesAtEveryArrangeablePlacement() {
        Calibration.Plan plan = Calibration.Plan.of(Profile.THOROUGH);
        assertEquals(Profile.THOROUGH.calibrationRounds, plan.rounds());
        assertEquals(Profile.THOROUGH.calibrationSeconds, plan.seconds());
        assertEquals(Profile.THOROUGH.calibrationStreamSizes, plan.streamSizes());
        assertEquals(Profile.THOROUGH.calibrationPingPongSizes, plan.pingPongSizes());
        assertTrue(plan.sendfile());
        List<String> notes = new ArrayList<>();
        assertEquals(List.of(Placement.SAME_CPU, Placement.TWO_CPUS), plan.placementsOn(List.of(0, 1), notes));
        assertEquals(List.of(Placement.SAME_CPU), plan.placementsOn(List.of(3), notes));
        assertEquals(List.of(), notes);
    }

    @Test
    void anAskedPlacementTheHostCannotArrangeIsSkippedAndSaidSo() {
        Calibration.Plan plan =
                new Calibration.Plan(20, 2, List.of(1 << 20), List.of(), false, List.of(Placement.TWO_CPUS));
        List<String> notes = new ArrayList<>();
        assertEquals(List.of(Placement.TWO_CPUS), plan.placementsOn(List.of(0, 1), notes));
        assertEquals(List.of(), plan.placementsOn(List.of(1), notes));
        assertEquals(1, notes.size());
        assertTrue(
                notes.getFirst().contains("the peers on two vCPUs")
                        && notes.getFirst().contains("[1]"),
                notes.toString());
    }

    @Test
    void aPlanOutsideWhatTheToolsAcceptIsRefusedByName() {
        List<Integer> none = List.of();
        List<Placement> all = List.of();
        assertRefused("rounds 0 is outside 1..200", () -> new Calibration.Plan(0, 1, none, none, true, all));
        assertRefused("seconds 61 is outside 1..60", () -> new Calibration.Plan(1, 61, none, none, true, all));
        assertRefused(
                "stream size 2097152 is outside 1..1048576 B",
                () -> new Calibration.Plan(1, 1, List.of(2 << 20), none, true, all));
        assertRefused(
                "ping-pong size 65536 is outside 1..65000 B",
                () -> new Calibration.Plan(1, 1, none, List.of(65536), true, all));
        assertRefused(
                "placement scheduler cannot be calibrated; allowed: same-cpu, two-cpus",
                () -> new Calibration.Plan(1, 1, none, none, true, List.of(Placement.SCHEDULER)));
    }

    private static void assertRefused(String message, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(message), x.getMessage());
    }
}

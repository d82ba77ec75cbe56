package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.measurements.Calibration;
import lab.loopback.result.Figure;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/**
 * The calibration's rate-against-reading figures (ksoftirqd's share, the writer's blocks): one dot per trial at the
 * largest written size, ρ per tool.
 */
class CalibrationScatterTest {
    private static Calibration.Pair pair(
            String tool, int size, String placement, double java, double javaShare, double ref, double refShare) {
        return pair(tool, size, placement, java, javaShare, 0.01, ref, refShare, 0.02);
    }

    private static Calibration.Pair pair(
            String tool,
            int size,
            String placement,
            double java,
            double javaShare,
            double javaBlocks,
            double ref,
            double refShare,
            double refBlocks) {
        return new Calibration.Pair(
                tool,
                size,
                placement,
                0,
                "java",
                java,
                ref,
                "Gbit/s",
                java / ref,
                0.05,
                size,
                javaShare,
                refShare,
                javaBlocks,
                refBlocks,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    @Test
    void eachToolsTrialsAreDotsAtTheLargestWrittenSizeWithTheirRho() {
        List<Calibration.Pair> pairs = new ArrayList<>();
        // 1 MiB on one vCPU: the harness slower the more ksoftirqd ran (ρ −1), iperf3 likewise; a 64 KiB round and a
        // sendfile round, both left out
        for (int r = 0; r < 5; r++)
            pairs.add(pair("iperf 3.12", 1 << 20, "same-cpu", 20 - r, 0.2 + 0.03 * r, 25 - 2 * r, 0.15 + 0.05 * r));
        pairs.add(pair("iperf 3.12", 65536, "same-cpu", 99, 0.5, 99, 0.5));
        pairs.add(pair("iperf 3.12 -Z (sendfile)", 1 << 20, "same-cpu", 99, 0.5, 99, 0.5));
        Figure f = CalibrationScatter.of(CalibrationScatter.SOFTIRQ, pairs);
        assertNotNull(f);
        assertEquals("calibration-softirq", f.name());
        XYChart c = (XYChart) f.chart();
        assertEquals(2, c.getSeriesMap().size(), c.getSeriesMap().keySet().toString());
        double[] xs =
                c.getSeriesMap().get("the harness, both peers on one vCPU").getXData();
        assertEquals(5, xs.length, "one dot per 1 MiB round written from memory");
        assertEquals(20.0, xs[0], 1e-9, "shares drawn in per cent");
        assertTrue(f.caption().contains("the harness ρ -1.00 (5 trials), iperf3 ρ -1.00 (5 trials)"), f.caption());
    }

    @Test
    void noShareSeenNoFigure() {
        assertNull(CalibrationScatter.of(
                CalibrationScatter.SOFTIRQ,
                List.of(pair("iperf 3.12", 65536, "same-cpu", 10, Double.NaN, 11, Double.NaN))));
        assertNull(CalibrationScatter.of(CalibrationScatter.SOFTIRQ, List.of()));
    }

    @Test
    void tooFewTrialsHaveNoRho() {
        List<Calibration.Pair> four = new ArrayList<>();
        for (int r = 0; r < 4; r++) four.add(pair("iperf 3.12", 65536, "two-cpus", 10 + r, 0.1 * r, 11, 0.1));
        assertEquals(
                "the harness 4 trials, too few for ρ",
                CalibrationScatter.rho(
                        "the harness", four, Calibration.Pair::javaKsoftirqdShare, Calibration.Pair::java));
    }

    @Test
    void theBlockingFigureDrawsBlocksPerCallAsTheyAreAndLeavesOutTrialsWithoutThem() {
        List<Calibration.Pair> pairs = new ArrayList<>();
        // the harness slower the more its writer blocked (ρ −1); iperf3's rate rising with its blocks (ρ +1)
        for (int r = 0; r < 5; r++)
            pairs.add(pair("iperf 3.12", 1 << 20, "same-cpu", 30 - r, 0.2, 0.01 + 0.05 * r, 25 + r, 0.2, 0.02 * r));
        // a round whose iperf3 switches were not counted (no GNU time): no dot for either tool
        pairs.add(pair("iperf 3.12", 1 << 20, "same-cpu", 1, 0.2, 0.5, 1, 0.2, Double.NaN));
        Figure f = CalibrationScatter.of(CalibrationScatter.BLOCKING, pairs);
        assertNotNull(f);
        assertEquals("calibration-blocking", f.name());
        double[] xs = ((XYChart) f.chart())
                .getSeriesMap()
                .get("the harness, both peers on one vCPU")
                .getXData();
        assertEquals(5, xs.length);
        assertEquals(0.06, xs[1], 1e-9, "blocks per call drawn as they are");
        assertTrue(f.caption().contains("the harness ρ -1.00 (5 trials), iperf3 ρ 1.00 (5 trials)"), f.caption());
        assertNull(CalibrationScatter.of(
                CalibrationScatter.BLOCKING,
                List.of(pair("iperf 3.12", 1 << 20, "same-cpu", 1, 0.2, 0.5, 1, 0.2, Double.NaN))));
    }
}

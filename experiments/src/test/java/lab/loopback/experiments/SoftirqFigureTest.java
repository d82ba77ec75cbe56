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

/** The calibration's rate-against-ksoftirqd figure: one dot per trial at the largest written size, ρ per tool. */
class SoftirqFigureTest {
    private static Calibration.Pair pair(
            String tool, int size, String placement, double java, double javaShare, double ref, double refShare) {
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
                0.01,
                0.02,
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
        Figure f = SoftirqFigure.of(pairs);
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
        assertNull(SoftirqFigure.of(List.of(pair("iperf 3.12", 65536, "same-cpu", 10, Double.NaN, 11, Double.NaN))));
        assertNull(SoftirqFigure.of(List.of()));
    }

    @Test
    void tooFewTrialsHaveNoRho() {
        List<Calibration.Pair> four = new ArrayList<>();
        for (int r = 0; r < 4; r++) four.add(pair("iperf 3.12", 65536, "two-cpus", 10 + r, 0.1 * r, 11, 0.1));
        assertEquals(
                "the harness 4 trials, too few for ρ",
                SoftirqFigure.rho("the harness", four, Calibration.Pair::javaKsoftirqdShare, Calibration.Pair::java));
    }
}

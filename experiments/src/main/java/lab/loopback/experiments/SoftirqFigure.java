package lab.loopback.experiments;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import lab.loopback.chart.Charts;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Placement;
import lab.loopback.measurements.Calibration;
import lab.loopback.result.Figure;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.knowm.xchart.XYChart;

/**
 * The stream calibration's rates against the share of the peers' CPUs the kernel's ksoftirqd threads took meanwhile,
 * one dot per trial, for the harness and for iperf3 at the largest size written from memory. With both peers on one
 * vCPU both tools' rates spread by half from trial to trial; this figure shows whether the kernel's deferral of the
 * receive path explains that spread, and whether the harness sits below iperf3 at equal deferral.
 */
final class SoftirqFigure {
    static final String NAME = "calibration-softirq";

    /** Fewer trials than this get no ρ: with four, one swapped pair moves it by 0.4 or more. */
    static final int MIN_FOR_RHO = 5;

    private SoftirqFigure() {}

    /** The figure, or null when no write calibration pair recorded a ksoftirqd share (threads not visible). */
    static Figure of(List<Calibration.Pair> pairs) {
        List<Calibration.Pair> written = pairs.stream()
                .filter(q -> !q.sendfile())
                .filter(q -> !Double.isNaN(q.javaKsoftirqdShare()) && !Double.isNaN(q.referenceKsoftirqdShare()))
                .toList();
        if (written.isEmpty()) return null;
        int size = written.stream().mapToInt(Calibration.Pair::size).max().orElseThrow();
        XYChart c = Charts.xy(
                "Stream rate against ksoftirqd's share of the peers' CPUs, " + Bytes.human(size) + " writes",
                "ksoftirqd's share of the peers' CPUs (%)",
                "Gbit/s",
                false);
        Map<String, List<Calibration.Pair>> byPlacement = new LinkedHashMap<>();
        for (Calibration.Pair q : written)
            if (q.size() == size)
                byPlacement
                        .computeIfAbsent(q.placement(), k -> new ArrayList<>())
                        .add(q);
        List<String> said = new ArrayList<>();
        int i = 0;
        for (var e : byPlacement.entrySet()) {
            String where = Placement.parse(e.getKey()).describe();
            List<Calibration.Pair> mine = e.getValue();
            series(
                    c,
                    "the harness, " + where,
                    mine,
                    Calibration.Pair::javaKsoftirqdShare,
                    Calibration.Pair::java,
                    StreamThroughput.SERIES[i++ % StreamThroughput.SERIES.length]);
            series(
                    c,
                    mine.getFirst().tool() + ", " + where,
                    mine,
                    Calibration.Pair::referenceKsoftirqdShare,
                    Calibration.Pair::reference,
                    StreamThroughput.SERIES[i++ % StreamThroughput.SERIES.length]);
            said.add(where + ": "
                    + rho("the harness", mine, Calibration.Pair::javaKsoftirqdShare, Calibration.Pair::java) + ", "
                    + rho("iperf3", mine, Calibration.Pair::referenceKsoftirqdShare, Calibration.Pair::reference));
        }
        Charts.fitLegend(c);
        return new Figure(
                NAME,
                List.of("PERF-1"),
                "Measured: each calibration trial's rate against the CPU time the kernel's ksoftirqd threads of the peers' CPUs ran "
                        + "during it (/proc/PID/schedstat), as a share of those CPUs' time: NET_RX work the kernel deferred out of the "
                        + "task that raised it into a thread of its own (receive processing, and the sends the ACKs it "
                        + "processes release). Spearman ρ between rate and share — "
                        + String.join("; ", said)
                        + ". Dots of the two tools at the same share compare like with like.",
                c);
    }

    private static void series(
            XYChart c,
            String name,
            List<Calibration.Pair> pairs,
            ToDoubleFunction<Calibration.Pair> share,
            ToDoubleFunction<Calibration.Pair> rate,
            Color color) {
        Charts.samples(
                c,
                name,
                pairs.stream().mapToDouble(q -> share.applyAsDouble(q) * 100).toArray(),
                pairs.stream().mapToDouble(rate).toArray(),
                color);
    }

    /** "the harness ρ −0.81 (8 trials)", or that there are too few trials for one. */
    static String rho(
            String who,
            List<Calibration.Pair> pairs,
            ToDoubleFunction<Calibration.Pair> share,
            ToDoubleFunction<Calibration.Pair> rate) {
        if (pairs.size() < MIN_FOR_RHO)
            return who + " " + pairs.size() + " trial" + (pairs.size() == 1 ? "" : "s") + ", too few for ρ";
        double r = new SpearmansCorrelation()
                .correlation(
                        pairs.stream().mapToDouble(share).toArray(),
                        pairs.stream().mapToDouble(rate).toArray());
        return String.format(
                "%s ρ %s (%d trials)", who, Double.isNaN(r) ? "undefined" : String.format("%.2f", r), pairs.size());
    }
}

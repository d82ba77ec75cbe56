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
 * The stream calibration's rates against a reading of how the trial shared the peers' CPUs, one dot per trial, for the
 * harness and for iperf3 at the largest size written from memory. With both peers on one vCPU both tools' rates spread
 * by half from trial to trial; these figures show whether the kernel's way of sharing the vCPU explains that spread,
 * and whether the harness sits below iperf3 at equal sharing.
 */
final class CalibrationScatter {
    /** Fewer trials than this get no ρ: with four, one swapped pair moves it by 0.4 or more. */
    static final int MIN_FOR_RHO = 5;

    /**
     * What a figure puts on its x axis: the reading beside the harness's trial and beside the tool's, drawn times
     * {@code scale}, and what its caption says it is.
     */
    record Reading(
            String name,
            String title,
            String axis,
            double scale,
            ToDoubleFunction<Calibration.Pair> java,
            ToDoubleFunction<Calibration.Pair> reference,
            String measured,
            String why) {}

    /** The share of the peers' CPUs the kernel's ksoftirqd threads ran during the trial. */
    static final Reading SOFTIRQ = new Reading(
            "calibration-softirq",
            "Stream rate against ksoftirqd's share of the peers' CPUs",
            "ksoftirqd's share of the peers' CPUs (%)",
            100,
            Calibration.Pair::javaKsoftirqdShare,
            Calibration.Pair::referenceKsoftirqdShare,
            "Measured: each calibration trial's rate against the CPU time the kernel's ksoftirqd threads of the peers' "
                    + "CPUs ran during it (/proc/PID/schedstat), as a share of those CPUs' time: NET_RX work the kernel "
                    + "deferred out of the task that raised it into a thread of its own (receive processing, and the "
                    + "sends the ACKs it processes release).",
            "Dots of the two tools at the same share compare like with like.");

    /** How often the writer went to sleep per write call (read as waiting for room in the send buffer). */
    static final Reading BLOCKING = new Reading(
            "calibration-blocking",
            "Stream rate against how often the writer blocked",
            "writer's voluntary context switches per write call",
            1,
            Calibration.Pair::javaWriterBlocksPerCall,
            Calibration.Pair::referenceWriterBlocksPerCall,
            "Measured: each calibration trial's rate against how often its writer went to sleep per write call: the "
                    + "harness's writing thread's voluntary context switches over its write calls "
                    + "(/proc/thread-self/status), iperf3's client process's over the write sizes it sent (GNU time's "
                    + "%w from wait4's rusage; iperf3 3.12 writes from its one thread, in blocking write(2) calls with "
                    + "a pselect6 between every ten or so, as strace showed once here). Inferred, not traced: that "
                    + "these sleeps are waits for room in the send buffer, the one thing either writer blocks on.",
            "A writer that sleeps leaves the vCPU to the reader and its softirqs; dots of the two tools at the same "
                    + "rate of blocking compare like with like.");

    private CalibrationScatter() {}

    /** The figure, or null when no write calibration pair recorded {@code r} beside both tools. */
    static Figure of(Reading r, List<Calibration.Pair> pairs) {
        List<Calibration.Pair> written = pairs.stream()
                .filter(q -> !q.sendfile())
                .filter(q -> !Double.isNaN(r.java().applyAsDouble(q))
                        && !Double.isNaN(r.reference().applyAsDouble(q)))
                .toList();
        if (written.isEmpty()) return null;
        int size = written.stream().mapToInt(Calibration.Pair::size).max().orElseThrow();
        XYChart c = Charts.xy(r.title() + ", " + Bytes.human(size) + " writes", r.axis(), "Gbit/s", false);
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
                    r.java(),
                    r.scale(),
                    Calibration.Pair::java,
                    StreamThroughput.SERIES[i++ % StreamThroughput.SERIES.length]);
            series(
                    c,
                    mine.getFirst().tool() + ", " + where,
                    mine,
                    r.reference(),
                    r.scale(),
                    Calibration.Pair::reference,
                    StreamThroughput.SERIES[i++ % StreamThroughput.SERIES.length]);
            said.add(where + ": " + rho("the harness", mine, r.java(), Calibration.Pair::java) + ", "
                    + rho("iperf3", mine, r.reference(), Calibration.Pair::reference));
        }
        Charts.fitLegend(c);
        return new Figure(
                r.name(),
                List.of("PERF-1"),
                r.measured() + " Spearman ρ between rate and reading — " + String.join("; ", said) + ". " + r.why(),
                c);
    }

    private static void series(
            XYChart c,
            String name,
            List<Calibration.Pair> pairs,
            ToDoubleFunction<Calibration.Pair> reading,
            double scale,
            ToDoubleFunction<Calibration.Pair> rate,
            Color color) {
        Charts.samples(
                c,
                name,
                pairs.stream()
                        .mapToDouble(q -> reading.applyAsDouble(q) * scale)
                        .toArray(),
                pairs.stream().mapToDouble(rate).toArray(),
                color);
    }

    /** "the harness ρ −0.81 (8 trials)", or that there are too few trials for one. */
    static String rho(
            String who,
            List<Calibration.Pair> pairs,
            ToDoubleFunction<Calibration.Pair> reading,
            ToDoubleFunction<Calibration.Pair> rate) {
        if (pairs.size() < MIN_FOR_RHO)
            return who + " " + pairs.size() + " trial" + (pairs.size() == 1 ? "" : "s") + ", too few for ρ";
        double r = new SpearmansCorrelation()
                .correlation(
                        pairs.stream().mapToDouble(reading).toArray(),
                        pairs.stream().mapToDouble(rate).toArray());
        return String.format(
                "%s ρ %s (%d trials)", who, Double.isNaN(r) ? "undefined" : String.format("%.2f", r), pairs.size());
    }
}

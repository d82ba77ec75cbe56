package lab.loopback.experiments;

import java.awt.Color;
import java.util.Arrays;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.WakeupProbe;
import lab.loopback.measure.Estimate;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * PATH-2: "sk_data_ready fires immediately; a receiver blocked in recv() is woken instantly". Small
 * writes, one at a time, to a reader asleep in read() in another process. The kernel's sock:sk_data_ready
 * splits each message's one-way time into the send path (write() called → data ready) and the reader's
 * wake-up (data ready → read() returned, which includes its copy). "Immediately" is whether data-ready
 * comes inside the sender's own write() call; "instantly" is whether the wake-up is a negligible share of
 * the one-way time.
 */
@Measures(
        name = "wake-up",
        claims = {"PATH-2"})
public final class WakeUp implements Experiment {
    static final double WITHIN_WRITE = 0.95, NEGLIGIBLE_SHARE = 0.10;

    /** What PATH-2's rule reads: the share of messages ready within the write, and the wake-up's share of one-way. */
    record Facts(double readyWithinWrite, double wakeShare) {}

    private static final Condition<Facts>
            IMMEDIATE =
                    Condition.atLeast(
                            "share of messages whose sk_data_ready fired inside the sender's write()",
                            Facts::readyWithinWrite,
                            WITHIN_WRITE,
                            Shown.PERCENT),
            INSTANT =
                    Condition.atMost(
                            "the reader's wake-up as a share of the median one-way time",
                            Facts::wakeShare,
                            NEGLIGIBLE_SHARE,
                            Shown.PERCENT);
    static final Rule<Facts> RULE = Rule.<Facts>forClaim("PATH-2")
            .when(Verdict.SUPPORTED, IMMEDIATE.and(INSTANT))
            .when(Verdict.PARTLY_TRUE, IMMEDIATE.or(INSTANT))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(double readyWithinWriteFraction, double wakeShare) {
        return RULE.judge(new Facts(readyWithinWriteFraction, wakeShare));
    }

    /** PATH-2 from the recorded breakdown table: the share of messages ready within the write, and the wake-up's share. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<WakeupProbe.Breakdown> b = r.rows("breakdown", WakeupProbe.Breakdown.class);
        if (b.isEmpty()) throw new Recorded.MissingTableException("the run's table 'breakdown' of wake-up is empty");
        double within =
                b.stream().filter(WakeupProbe.Breakdown::readyWithinWrite).count() / (double) b.size();
        double share = Estimate.ofMedian(
                                b.stream().mapToDouble(x -> x.wakeNanos() / 1e3).toArray())
                        .median()
                / Estimate.ofMedian(b.stream()
                                .mapToDouble(x -> x.oneWayNanos() / 1e3)
                                .toArray())
                        .median();
        return new RecordedRule.Judgement(
                judge(within, share),
                null,
                String.format(
                        "sk_data_ready within the write for %.0f%% of %d messages; the wake-up is %.0f%% of the median one-way time",
                        within * 100, b.size(), share * 100));
    }

    @Override
    public Outcome run(RunContext ctx) {
        int n = ctx.profile().wakeupMessages;
        ctx.progress(n + " small writes to a reader blocked in read()");
        WakeupProbe.Result r = KernelEvidence.wakeup(ctx);
        Outcome o = new Outcome(name());
        o.table("messages", RecordTable.of("messages", WakeupProbe.Message.class, r.messages()));
        double[] oneWay =
                r.messages().stream().mapToDouble(m -> m.oneWayNanos() / 1e3).toArray();
        Estimate ow = Estimate.ofMedian(oneWay);
        if (r.trace() == null || r.missingEvents().contains("sock/sk_data_ready")) {
            o.figure(cdf(oneWay, null, null));
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "PATH-2",
                    KernelEvidence.traceLack(ctx),
                    "When sk_data_ready fires is seen only through the sock:sk_data_ready tracepoint: "
                            + (r.trace() == null ? r.traceUnavailable() : "this kernel lacks it")
                            + String.format(". The user-space one-way time alone: median %.1f µs.", ow.median())));
            return o;
        }
        List<WakeupProbe.Breakdown> b = WakeupProbe.breakdown(r);
        o.table("breakdown", RecordTable.of("breakdown", WakeupProbe.Breakdown.class, b));
        if (b.isEmpty()) {
            o.verdict(
                    KernelEvidence.notTestable(
                            ctx,
                            "PATH-2",
                            Lack.NO_DATA,
                            "The trace holds no sk_data_ready of the sending thread for any message (softirq work ran elsewhere, e.g. in ksoftirqd)."));
            return o;
        }
        double[] kernel = b.stream().mapToDouble(x -> x.kernelPathNanos() / 1e3).toArray();
        double[] wake = b.stream().mapToDouble(x -> x.wakeNanos() / 1e3).toArray();
        double within =
                b.stream().filter(WakeupProbe.Breakdown::readyWithinWrite).count() / (double) b.size();
        Estimate k = Estimate.ofMedian(kernel), w = Estimate.ofMedian(wake);
        double share = w.median()
                / Estimate.ofMedian(b.stream()
                                .mapToDouble(x -> x.oneWayNanos() / 1e3)
                                .toArray())
                        .median();
        Verdict v = judge(within, share);
        int median = b.stream()
                .sorted((x, y) -> Long.compare(x.oneWayNanos(), y.oneWayNanos()))
                .toList()
                .get(b.size() / 2)
                .seq();
        List<WakeupProbe.Point> timeline = WakeupProbe.timeline(r, median);
        o.table("timeline", RecordTable.of("timeline", WakeupProbe.Point.class, timeline));
        o.verdict(ctx.judged("PATH-2", v)
                .summary(String.format(
                        "sk_data_ready fired inside the sender's own write() for %.0f%% of %d messages (median %.1f µs after write() was called) — %s; the blocked reader then needed a median %.1f µs (p99 %.1f µs) to return from read(), %.0f%% of the one-way time — %s.",
                        within * 100,
                        b.size(),
                        k.median(),
                        IMMEDIATE.holds(new Facts(within, share))
                                ? "immediately, in the sender's context"
                                : "not reliably within the send",
                        w.median(),
                        percentile(wake, 0.99),
                        share * 100,
                        INSTANT.holds(new Facts(within, share))
                                ? "negligible"
                                : "a scheduler wake-up, not an instant one"))
                .measured(w.median(), "µs from sk_data_ready to read() returning (median)")
                .claimed(0.0)
                .evidence(List.of(
                        String.format(
                                "one-way write() called → read() returned (user space, CLOCK_MONOTONIC in both processes): median %s µs, p99 %.1f µs, %d messages",
                                ow.format("%.1f"), percentile(oneWay, 0.99), oneWay.length),
                        String.format(
                                "send path write() called → sock:sk_data_ready: median %s µs; wake-up sk_data_ready → read() returned: median %s µs",
                                k.format("%.1f"), w.format("%.1f")),
                        "sk_data_ready comes from the sending thread's own context (lo delivers in the sender's softirq); trace times have 1 µs resolution",
                        RULE.evidence()))
                .build());
        o.figure(cdf(oneWay, kernel, wake));
        o.figure(timelineFigure(timeline, median));
        return o;
    }

    /** The nearest-rank percentile (R_1: a value that was measured, never an interpolation). */
    static double percentile(double[] v, double q) {
        return new Percentile()
                .withEstimationType(Percentile.EstimationType.R_1)
                .evaluate(v, q * 100);
    }

    private static Figure cdf(double[] oneWay, double[] kernel, double[] wake) {
        XYChart c = Charts.xy("PATH-2: one small write to a blocked reader", "µs", "% of messages at or below", false);
        c.getStyler().setXAxisLogarithmic(true);
        addCdf(c, "one-way: write() → read() returns", oneWay, Charts.MEASURED);
        if (kernel != null) addCdf(c, "write() → sk_data_ready", kernel, Charts.REFERENCE);
        if (wake != null) addCdf(c, "sk_data_ready → read() returns", wake, Charts.CLAIM.darker());
        return new Figure(
                "wake-up-cdf",
                List.of("PATH-2"),
                "Measured: distribution of each message's times. One-way from user-space clocks in both processes; the split at sock:sk_data_ready from the "
                        + "tracepoint (1 µs resolution). The article's 'woken instantly' would put the wake-up curve near zero.",
                c);
    }

    private static void addCdf(XYChart c, String name, double[] v, Color color) {
        Charts.cdf(c, name, Arrays.stream(v).map(x -> Math.max(x, 0.1)).toArray(), color); // the x axis is logarithmic
    }

    private static Figure timelineFigure(List<WakeupProbe.Point> points, int seq) {
        XYChart c = Charts.xy(
                "PATH-2 / PATH-1: one small write, message " + seq + " (the median one)",
                "µs after write() was called",
                "step",
                false);
        for (int i = 0; i < points.size(); i++) {
            WakeupProbe.Point p = points.get(i);
            var s = Charts.samples(
                    c,
                    (i + 1) + ". " + p.what() + " [" + p.who() + "]",
                    new double[] {p.micros()},
                    new double[] {i + 1},
                    p.who().equals("reader") ? Charts.CLAIM.darker() : Charts.MEASURED);
            s.setShowInLegend(true);
        }
        c.getStyler().setYAxisDecimalPattern("0");
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        return new Figure(
                "one-write-timeline",
                List.of("PATH-1", "PATH-2"),
                "Measured: the kernel's events for one small write on an established connection, from the sending thread and the reading process, "
                        + "on the same clock as the user-space marks (trace times truncated to 1 µs). Everything up to sk_data_ready happens inside the "
                        + "sender's write(); the reader runs only after it is scheduled.",
                c);
    }
}

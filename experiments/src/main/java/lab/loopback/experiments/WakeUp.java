package lab.loopback.experiments;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.WakeupProbe;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
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
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.Table;

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
                            "share of traced messages whose sk_data_ready fired before the sender's write() returned",
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

    /**
     * One placement's traced messages summarised: medians of the send path, of the reader's wake-up (sk_data_ready →
     * read() returned) and its parts (→ sched_wakeup: made runnable; → sched_switch: on a CPU), and the wake-up's share
     * of the traced one-way time (a ratio within one pass, so the tracing's own cost largely cancels).
     */
    public record Split(
            String placement,
            int messages,
            double kernelPathMicros,
            double wakeMicros,
            double runnableMicros,
            double onCpuMicros,
            double wakeShare) {}

    /** Per placement, over the messages whose sk_data_ready the trace has (the others have no split to take). */
    static List<Split> splits(List<WakeupProbe.Breakdown> all) {
        List<WakeupProbe.Breakdown> b =
                all.stream().filter(WakeupProbe.Breakdown::seen).toList();
        List<Split> out = new ArrayList<>();
        for (String pl :
                b.stream().map(WakeupProbe.Breakdown::placement).distinct().toList()) {
            List<WakeupProbe.Breakdown> at =
                    b.stream().filter(x -> x.placement().equals(pl)).toList();
            double wake = median(at, x -> x.wakeNanos() / 1e3);
            out.add(new Split(
                    pl,
                    at.size(),
                    median(at, x -> x.kernelPathNanos() / 1e3),
                    wake,
                    medianSeen(at, WakeupProbe.Breakdown::runnableNanos),
                    medianSeen(at, WakeupProbe.Breakdown::onCpuNanos),
                    wake / median(at, x -> x.oneWayNanos() / 1e3)));
        }
        return out;
    }

    private static double median(List<WakeupProbe.Breakdown> b, ToDoubleFunction<WakeupProbe.Breakdown> f) {
        return Estimate.ofMedian(b.stream().mapToDouble(f).toArray()).median();
    }

    /** The median over the messages whose trace has the event (-1: none has). */
    private static double medianSeen(List<WakeupProbe.Breakdown> b, ToLongFunction<WakeupProbe.Breakdown> f) {
        double[] seen = b.stream()
                .mapToLong(f)
                .filter(v -> v >= 0)
                .mapToDouble(v -> v / 1e3)
                .toArray();
        return seen.length == 0 ? Double.NaN : Estimate.ofMedian(seen).median();
    }

    /**
     * What the rule reads: sk_data_ready within the write over every traced message (an order of events, whatever the
     * placement; a message whose sk_data_ready the trace does not have is not shown within, so it counts against), and
     * the wake-up's share in the placement where it was smallest — the claim's best case.
     */
    static Facts facts(List<WakeupProbe.Breakdown> b) {
        double within =
                b.stream().filter(WakeupProbe.Breakdown::readyWithinWrite).count() / (double) b.size();
        double share = splits(b).stream().mapToDouble(Split::wakeShare).min().orElseThrow();
        return new Facts(within, share);
    }

    /**
     * The recorded breakdown rows; a run before placements and the scheduler split were recorded reads as one placement,
     * {@link Placement#UNRECORDED}, without the split (-1).
     */
    public static List<WakeupProbe.Breakdown> breakdown(Recorded r) {
        Table t = RecordTable.withDefaults(
                r.table("breakdown"),
                Map.of(
                        "placement",
                        Placement.UNRECORDED.id(),
                        "runnable_nanos",
                        -1L,
                        "on_cpu_nanos",
                        -1L,
                        // before contexts were recorded only the sender's sk_data_ready was kept
                        "ready_in",
                        WakeupProbe.IN_SENDER));
        return RecordTable.rows(t, WakeupProbe.Breakdown.class);
    }

    /** PATH-2 from the recorded breakdown table: the share of messages ready within the write, and the wake-up's share. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<WakeupProbe.Breakdown> b = breakdown(r);
        if (b.isEmpty()) throw new Recorded.MissingTableException("the run's table 'breakdown' of wake-up is empty");
        if (b.stream().noneMatch(WakeupProbe.Breakdown::seen))
            throw new Recorded.MissingTableException("the run's trace has no message's sk_data_ready");
        Facts f = facts(b);
        return new RecordedRule.Judgement(
                RULE.judge(f),
                null,
                String.format(
                        "sk_data_ready within the write for %.0f%% of %d messages (%s); the wake-up is %s of the median one-way time",
                        f.readyWithinWrite() * 100,
                        b.size(),
                        contexts(b),
                        String.join(
                                ", ",
                                splits(b).stream()
                                        .map(x -> String.format("%.0f%% (%s)", x.wakeShare() * 100, x.placement()))
                                        .toList())));
    }

    /**
     * Where the messages' sk_data_ready ran, counted by context, e.g. "in the sender's context 998, in ksoftirqd 2";
     * contexts with none are left out.
     */
    static String contexts(List<WakeupProbe.Breakdown> b) {
        List<String> out = new ArrayList<>();
        for (String[] c : new String[][] {
            {WakeupProbe.IN_SENDER, "in the sender's context"},
            {WakeupProbe.IN_KSOFTIRQD, "in ksoftirqd"},
            {WakeupProbe.IN_READER, "in the reader's process"},
            {WakeupProbe.UNSEEN, "in no traced context"}
        }) {
            long n = b.stream().filter(x -> x.readyIn().equals(c[0])).count();
            if (n > 0) out.add(c[1] + " " + n);
        }
        return String.join(", ", out);
    }

    /** The untraced pass's one-way times, per placement: the times of record. */
    public record OneWay(String placement, int seq, double oneWayMicros, double writeMicros) {}

    @Override
    public Outcome run(RunContext ctx) {
        List<WakeupProbe.Result> rs = KernelEvidence.wakeup(ctx);
        Outcome o = new Outcome(name());
        List<OneWay> oneWay = new ArrayList<>();
        for (WakeupProbe.Result r : rs)
            for (WakeupProbe.Message m : r.untraced())
                oneWay.add(new OneWay(
                        r.placement().id(), m.seq(), m.oneWayNanos() / 1e3, (m.writeEnd() - m.writeStart()) / 1e3));
        o.table("one-way", RecordTable.of("one-way", OneWay.class, oneWay));
        WakeupProbe.Result first = rs.getFirst();
        if (first.trace() == null || first.missingEvents().contains("sock/sk_data_ready")) {
            o.figure(cdf(oneWay, List.of()));
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "PATH-2",
                    KernelEvidence.traceLack(ctx),
                    "When sk_data_ready fires is seen only through the sock:sk_data_ready tracepoint: "
                            + (first.trace() == null ? first.traceUnavailable() : "this kernel lacks it")
                            + ". The user-space one-way time alone, per placement: " + KernelEvidence.oneWayMedians(rs)
                            + "."));
            return o;
        }
        List<WakeupProbe.Breakdown> b = new ArrayList<>();
        rs.forEach(r -> b.addAll(WakeupProbe.breakdown(r)));
        o.table("breakdown", RecordTable.of("breakdown", WakeupProbe.Breakdown.class, b));
        if (b.stream().noneMatch(WakeupProbe.Breakdown::seen)) {
            o.verdict(
                    KernelEvidence.notTestable(
                            ctx,
                            "PATH-2",
                            Lack.NO_DATA,
                            "The trace holds no message's sk_data_ready in the sender's, ksoftirqd's or the reader's context (softirq work ran in an untraced task's)."));
            return o;
        }
        List<Split> splits = splits(b);
        o.table("wake-split", RecordTable.of("wake-split", Split.class, splits));
        Facts f = facts(b);
        Verdict v = RULE.judge(f);
        // the timeline: the median message of the first placement's traced pass
        List<WakeupProbe.Breakdown> seen =
                b.stream().filter(WakeupProbe.Breakdown::seen).toList();
        List<WakeupProbe.Breakdown> firstB = seen.stream()
                .filter(x -> x.placement().equals(first.placement().id()))
                .sorted(Comparator.comparingLong(WakeupProbe.Breakdown::oneWayNanos))
                .toList();
        WakeupProbe.Result timed = firstB.isEmpty() ? rs.getLast() : first;
        List<WakeupProbe.Breakdown> pick = firstB.isEmpty()
                ? seen.stream()
                        .sorted(Comparator.comparingLong(WakeupProbe.Breakdown::oneWayNanos))
                        .toList()
                : firstB;
        int median = pick.get(pick.size() / 2).seq();
        List<WakeupProbe.Point> timeline = WakeupProbe.timeline(timed, median);
        o.table("timeline", RecordTable.of("timeline", WakeupProbe.Point.class, timeline));
        List<String> ev = new ArrayList<>();
        ev.add(
                "one-way write() called → read() returned, untraced pass (user space, CLOCK_MONOTONIC in both processes), "
                        + KernelEvidence.oneWayMedians(rs));
        for (Split x : splits)
            ev.add(String.format(
                    "traced pass, %s (observed in the trace): write() called → sk_data_ready median %.1f µs; sk_data_ready → the reader made runnable (sched_wakeup) %s → the reader on a CPU (a sched_switch to it, or its first own event) %s → read() returned: %.1f µs in all, %.0f%% of the traced one-way time (%d messages)",
                    Placement.parse(x.placement()).describe(),
                    x.kernelPathMicros(),
                    micros(x.runnableMicros()),
                    micros(x.onCpuMicros()),
                    x.wakeMicros(),
                    x.wakeShare() * 100,
                    x.messages()));
        ev.add(String.format(
                "where each traced message's sk_data_ready ran (observed: the context the trace records it in; the ksoftirqd threads admitted to the trace beside the two peers): %s, of %d messages; trace times have 1 µs resolution; the threads are pinned for each placement",
                contexts(b), b.size()));
        ev.add("in a bulk transfer as well (the traced " + Bytes.human(KernelEvidence.WRITE)
                + "-write transfer, not judged): " + KernelEvidence.contextsLineOrWhy(ctx));
        ev.add(RULE.evidence() + "; the wake-up's share is taken in the placement where it was smallest");
        Split best = splits.stream()
                .min(Comparator.comparingDouble(Split::wakeShare))
                .orElseThrow();
        o.verdict(ctx.judged("PATH-2", v)
                .summary(String.format(
                        "sk_data_ready fired before the sender's write() returned for %.0f%% of %d traced messages (%s) — %s. The blocked reader then runs only when a CPU takes it: %s — %s.",
                        f.readyWithinWrite() * 100,
                        b.size(),
                        contexts(b),
                        IMMEDIATE.holds(f) ? "immediately, within the send" : "not reliably within the send",
                        String.join(
                                "; ",
                                splits.stream()
                                        .map(x -> String.format(
                                                "%s, read() returned a median %.1f µs after sk_data_ready (%.0f%% of the one-way time)",
                                                Placement.parse(x.placement()).describe(),
                                                x.wakeMicros(),
                                                x.wakeShare() * 100))
                                        .toList()),
                        INSTANT.holds(f)
                                ? "negligible even so"
                                : "a scheduler wake-up, not an instant one, in every placement"))
                .measured(
                        best.wakeMicros(),
                        "µs from sk_data_ready to read() returning (median, " + best.placement() + ")")
                .claimed(0.0)
                .evidence(ev)
                .build());
        o.figure(cdf(oneWay, b));
        o.figure(timelineFigure(timeline, median, timed.placement()));
        return o;
    }

    private static String micros(double v) {
        return Double.isNaN(v) ? "(not traced)" : String.format("+%.1f µs", v);
    }

    /** Per placement, the untraced one-way times and (traced) the reader's wake-up. */
    private static Figure cdf(List<OneWay> oneWay, List<WakeupProbe.Breakdown> b) {
        XYChart c = Charts.xy("PATH-2: one small write to a blocked reader", "µs", "% of messages at or below", false);
        c.getStyler().setXAxisLogarithmic(true);
        List<String> placements =
                oneWay.stream().map(OneWay::placement).distinct().toList();
        for (int i = 0; i < placements.size(); i++) {
            String pl = placements.get(i);
            String where = Placement.parse(pl).describe();
            addCdf(
                    c,
                    "one-way, " + where,
                    oneWay.stream()
                            .filter(x -> x.placement().equals(pl))
                            .mapToDouble(OneWay::oneWayMicros)
                            .toArray(),
                    i == 0 ? Charts.MEASURED : Charts.REFERENCE);
            double[] wake = b.stream()
                    .filter(x -> x.seen() && x.placement().equals(pl))
                    .mapToDouble(x -> x.wakeNanos() / 1e3)
                    .toArray();
            if (wake.length > 0)
                addCdf(
                        c,
                        "sk_data_ready → read() returns (traced), " + where,
                        wake,
                        i == 0 ? Charts.CLAIM.darker() : Charts.CLAIM);
        }
        return new Figure(
                "wake-up-cdf",
                List.of("PATH-2"),
                "Measured: distribution of each message's times, per placement of the two threads (pinned to one vCPU, or to two). One-way from user-space clocks in both processes, untraced; "
                        + "the wake-up from sock:sk_data_ready in a traced pass (1 µs resolution). The article's 'woken instantly' would put the wake-up curves near zero.",
                c);
    }

    private static void addCdf(XYChart c, String name, double[] v, Color color) {
        Charts.cdf(c, name, Arrays.stream(v).map(x -> Math.max(x, 0.1)).toArray(), color); // the x axis is logarithmic
    }

    private static Figure timelineFigure(List<WakeupProbe.Point> points, int seq, Placement placement) {
        XYChart c = Charts.xy(
                "PATH-2 / PATH-1: one small write, message " + seq + " (the median one, " + placement.describe() + ")",
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

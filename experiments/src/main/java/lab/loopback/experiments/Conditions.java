package lab.loopback.experiments;

import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.TracedStream;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.StreamTrial;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import org.knowm.xchart.CategoryChart;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape shared by the "it degrades to the copy path if …" experiments (FAIL-*, VETH-*): one baseline and
 * conditions that change one thing; for each, interleaved verified throughput trials and the receiver's
 * copies per byte from one traced transfer. The article predicts a change of path: 0 copies per byte on the
 * "fast path", at least 1 once it "degrades".
 */
final class Conditions {
    /** Copies per byte closer than this count as the same path. */
    static final double SAME_COPIES = 0.05;

    public record Trial(String condition, int round, double gbitPerSecond, double senderCpuNsPerByte, long bytes) {}

    /** One condition against the first (the baseline): throughput, its interval, and the copy evidence. */
    public record Summary(String condition, double gbitPerSecond, double low, double high, double ratioToBaseline, String againstBaseline,
                          double receiveCopiesPerByte, String detail) {}

    private Conditions() {}

    static Trial trial(String condition, int round, StreamTrial t) {
        StreamTrial v = lab.loopback.measure.StreamRunner.verified(t);
        return new Trial(condition, round, v.gbitPerSecond(), (v.senderUserNanos() + v.senderSysNanos()) / (double) v.bytesReceived(), v.bytesReceived());
    }

    static Estimate estimate(List<Trial> trials, String condition) {
        return Estimate.ofMedian(trials.stream().filter(t -> t.condition().equals(condition)).mapToDouble(Trial::gbitPerSecond).toArray());
    }

    /** "lower" or "higher" when the intervals do not overlap, else "within noise". */
    static String against(Estimate base, Estimate e) {
        if (e.high() < base.low()) return "lower";
        if (e.low() > base.high()) return "higher";
        return "within noise";
    }

    static double copies(TracedStream.Result r) {
        return r.traced() ? ReceiveCopies.of(r.trace(), r.receiverTids(), r.trial().bytesReceived()).perByte() : Double.NaN;
    }

    /** Summaries in the order of {@code conditions}; the first is the baseline. */
    static List<Summary> summarize(List<Trial> trials, List<String> conditions, List<Double> copies, List<String> details) {
        Estimate base = estimate(trials, conditions.getFirst());
        List<Summary> out = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            Estimate e = estimate(trials, conditions.get(i));
            out.add(new Summary(conditions.get(i), e.median(), e.low(), e.high(), e.median() / base.median(), i == 0 ? "baseline" : against(base, e),
                    copies.get(i), details.get(i)));
        }
        return out;
    }

    /**
     * SUPPORTED when a condition changed the receiver's copies per byte (a different path); PARTLY_TRUE when the
     * path stayed but a condition made it measurably slower; REFUTED when neither moved.
     */
    static Verdict degradeVerdict(List<Summary> rows) {
        return degradeVerdict(rows, false);
    }

    /**
     * As {@link #degradeVerdict(List)}; with {@code baselineIsACondition} (the baseline is itself one of the things
     * the claim blames, as the default congestion-control module is) a condition measurably faster than the
     * baseline counts as a slowdown of the baseline.
     */
    static Verdict degradeVerdict(List<Summary> rows, boolean baselineIsACondition) {
        Summary base = rows.getFirst();
        boolean pathChanged = rows.stream().anyMatch(r -> !Double.isNaN(r.receiveCopiesPerByte()) && !Double.isNaN(base.receiveCopiesPerByte())
                && Math.abs(r.receiveCopiesPerByte() - base.receiveCopiesPerByte()) > SAME_COPIES);
        if (pathChanged) return Verdict.SUPPORTED;
        return rows.stream().anyMatch(r -> r.againstBaseline().equals("lower") || baselineIsACondition && r.againstBaseline().equals("higher"))
                ? Verdict.PARTLY_TRUE : Verdict.REFUTED;
    }

    static String rule() {
        return "rule: SUPPORTED when a condition changes the receiver's copies per byte by more than " + SAME_COPIES
                + " (another path); PARTLY_TRUE when the copies stay but a condition's throughput interval lies wholly below the baseline's; REFUTED otherwise";
    }

    static List<String> evidence(List<Summary> rows, int rounds) {
        List<String> ev = new ArrayList<>();
        for (Summary s : rows) {
            ev.add(String.format("%s: %.2f Gbit/s [%.2f, %.2f] (median of %d interleaved rounds, %.2f× baseline, %s); receiver copies per byte %s%s",
                    s.condition(), s.gbitPerSecond(), s.low(), s.high(), rounds, s.ratioToBaseline(), s.againstBaseline(),
                    Double.isNaN(s.receiveCopiesPerByte()) ? "not traced" : String.format("%.3f", s.receiveCopiesPerByte()),
                    s.detail().isEmpty() ? "" : "; " + s.detail()));
        }
        return ev;
    }

    /** The verdict sentence for a degrade claim, following the computed verdict. */
    static String summary(Verdict v, List<Summary> rows, String what) {
        Summary base = rows.getFirst();
        double worst = rows.stream().mapToDouble(Summary::ratioToBaseline).min().orElse(1);
        if (rows.stream().anyMatch(r -> Double.isNaN(r.receiveCopiesPerByte()))) {
            return String.format("%s %s (lowest %.2f× the baseline); the copy path could not be traced here (tracefs unavailable), so whether it changed is not shown.",
                    what, v == Verdict.PARTLY_TRUE ? "made transfers measurably slower" : "moved the throughput no further than noise", worst);
        }
        String copies = String.format("the receiver copies %.2f of every byte under every condition", base.receiveCopiesPerByte());
        return switch (v) {
            case SUPPORTED -> what + " changed the copy evidence (table): a different data path.";
            case PARTLY_TRUE -> String.format("%s changed throughput (down to %.2f× the baseline) but did not switch paths: %s, baseline included — there is no copy-free path to fall from.",
                    what, worst, copies);
            default -> String.format("%s moved neither the path nor the throughput beyond noise (lowest %.2f× the baseline): %s.", what, worst, copies);
        };
    }

    /** Two figures: copies per byte against the article's prediction, and throughput relative to the baseline. */
    static void figures(Outcome o, String claim, String title, String xTitle, List<Summary> rows) {
        List<String> names = rows.stream().map(Summary::condition).toList();
        CategoryChart c = Charts.bars(claim + ": " + title + " — the copy path", xTitle, "receiver copies per byte");
        c.addSeries("measured (skb_copy_datagram_iovec bytes / payload)", names, rows.stream().map(r -> Double.isNaN(r.receiveCopiesPerByte()) ? 0.0 : r.receiveCopiesPerByte()).toList())
                .setFillColor(Charts.MEASURED);
        List<Double> predicted = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) predicted.add(i == 0 ? 0.0 : 1.0);
        c.addSeries("article: 0 on the fast path, ≥ 1 once degraded", names, predicted).setFillColor(Charts.CLAIM);
        o.figure(new Figure("copies", List.of(claim), "Measured: bytes the receiving read() copied out of socket buffers per payload byte, from one traced transfer per condition (0 = not traced). "
                + "The article's prediction beside it: a copy-free baseline that the condition degrades to copying.", c));
        CategoryChart t = Charts.bars(claim + ": " + title + " — throughput", xTitle, "Gbit/s (median, verified bytes)");
        t.addSeries("measured", names, rows.stream().map(Summary::gbitPerSecond).toList()).setFillColor(Charts.MEASURED);
        t.addSeries("interval low", names, rows.stream().map(Summary::low).toList()).setFillColor(Charts.SAMPLE);
        o.figure(new Figure("throughput", List.of(claim), "Measured: throughput under each condition (median of interleaved rounds, with the low end of its "
                + "distribution-free interval). The article names no figure, only a fall to 'the regular copy path'.", t));
        o.table("summary", RecordTable.of("summary", Summary.class, rows));
    }
}

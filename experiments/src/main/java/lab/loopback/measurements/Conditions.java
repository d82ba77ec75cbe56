package lab.loopback.measurements;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.TracedStream;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RunContext;
import lab.loopback.workbench.SecondLooks;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.Table;

/**
 * The shape shared by the "it degrades to the copy path if …" experiments (FAIL-*, VETH-*): one baseline and
 * conditions that change one thing; for each, interleaved verified throughput trials and the receiver's
 * copies per byte from one traced transfer. The article predicts a change of path: 0 copies per byte on the
 * "fast path", at least 1 once it "degrades".
 */
public final class Conditions {
    /** Copies per byte closer than this count as the same path. */
    public static final double SAME_COPIES = 0.05;

    /**
     * One timed transfer under one condition in one round. {@code looks}: the most looks at the data the run's plan
     * allowed ({@link #LOOKS}; 1 in runs before sequential rounds), which sets the coverage of every interval drawn
     * from these trials ({@link #coverage}). {@code senderPreemptions}: how often the kernel preempted the sending
     * thread while it was runnable during the trial (-1: not counted, as in runs before it was).
     */
    public record Trial(
            String condition,
            int round,
            double gbitPerSecond,
            double senderCpuNsPerByte,
            long bytes,
            int looks,
            long senderPreemptions) {
        /** A trial whose sender's preemptions were not counted. */
        public Trial(
                String condition, int round, double gbitPerSecond, double senderCpuNsPerByte, long bytes, int looks) {
            this(condition, round, gbitPerSecond, senderCpuNsPerByte, bytes, looks, -1);
        }

        /** How long the trial lasted, from its bytes and its rate. */
        public double seconds() {
            return bytes * 8 / (gbitPerSecond * 1e9);
        }
    }

    /**
     * Looks at the data a run may take: after the planned rounds, a comparison that is still undecided (neither
     * measurably apart nor shown equivalent) gets one second look ({@link #inRounds}). Each look's intervals have coverage
     * 1 − 5 % ÷ LOOKS (Bonferroni), so whichever look the run stops at, its interval covers with at least 95 %.
     */
    public static final int LOOKS = SecondLooks.LOOKS;

    /** The coverage of each look's intervals for trials recorded under a plan of {@code looks} looks. */
    public static double coverage(List<Trial> trials) {
        int looks = trials.stream().mapToInt(Trial::looks).max().orElse(1);
        return 1 - (1 - Estimate.TARGET) / Math.max(1, looks);
    }

    /** The recorded trials of a conditions experiment; a run before sequential rounds had one look. */
    public static List<Trial> recordedTrials(Recorded r) {
        return trials(r.table("trials"));
    }

    /**
     * Conditions trials from a recorded table: one look where a run before sequential rounds recorded none, and
     * preemptions not counted where a run before they were recorded none.
     */
    public static List<Trial> trials(Table recorded) {
        return RecordTable.rows(
                RecordTable.withDefaults(recorded, Map.of("looks", 1L, "sender_preemptions", -1L)), Trial.class);
    }

    /**
     * The margin of the throughput comparisons: a change counts when the median per-round ratio lies at least this far
     * from 1 and its interval excludes 1; two conditions count as the same when the whole interval of the ratio lies
     * within [1 − margin, 1 ÷ (1 − margin)] (an equivalence test, not a failure to find a difference). 10 %: lo's
     * throughput on a small VM is bimodal (whether the two peers share a CPU), so three quick rounds separated by chance
     * more than 10 % apart; and the article's "fast path" against "the copy path" would be a factor, not 10 %.
     */
    public static final double MARGIN = 0.10;

    /**
     * One condition against the first (the baseline): throughput and its interval, the median of the per-round
     * ratios condition ÷ baseline with that median's interval, and the copy evidence.
     */
    public record Summary(
            String condition,
            double gbitPerSecond,
            double low,
            double high,
            double ratioToBaseline,
            double ratioLow,
            double ratioHigh,
            Against againstBaseline,
            double receiveCopiesPerByte,
            String detail) {}

    private Conditions() {}

    /**
     * Interleaved rounds per condition: the profile's trials, at least 15. With three, a condition with no effect came
     * out slower than the baseline in every round one quick run in a few; with seven, veth against lo (slower in 19 of
     * 21 rounds over three runs) had two faster rounds in one run, when lo itself sank to veth's level twice, and the
     * [min, max] interval of seven crossed 1. Fifteen rounds give the median an order-statistic interval (96.5 %) that
     * tolerates three contrary rounds. A quick trial is a quarter of a second, so this costs seconds.
     */
    public static int rounds(Profile p) {
        return Math.max(p.trials, 15);
    }

    /**
     * The order of the {@code n} conditions in one round, rotated by the round: with a fixed order the baseline always
     * ran first, and a position effect (the first transfer after the previous round's last) would pass for a
     * condition's effect in every round alike.
     */
    public static List<Integer> order(int round, int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) out.add(Math.floorMod(round + k, n));
        return out;
    }

    public static Trial trial(String condition, int round, StreamTrial t) {
        StreamTrial v = StreamRunner.verified(t);
        return new Trial(
                condition,
                round,
                v.gbitPerSecond(),
                (v.senderUserNanos() + v.senderSysNanos()) / (double) v.bytesReceived(),
                v.bytesReceived(),
                LOOKS,
                v.senderPreemptions());
    }

    /** One trial of condition {@code i} in round {@code round} (negative: the warm-up round, not recorded). */
    @FunctionalInterface
    public interface ConditionTrial {
        StreamTrial run(int i, int round);
    }

    /**
     * The interleaved rounds of a conditions experiment, with sequential looks: a warm-up round, the planned {@link
     * #rounds}, and — when {@code open} still names a condition whose comparison the claim's rule reads (for most rules
     * {@link #undecidedAgainst} of {baseline, condition} pairs) — a second look ({@link #LOOKS}), taken as the context
     * says ({@link RunContext.SecondLook}): at once, as many rounds again; deferred, reported to the run; or now, the
     * second look of a run: twice the planned rounds, measured afresh. Every condition once per round, in {@link
     * #order}.
     */
    public static List<Trial> inRounds(
            RunContext ctx, String what, List<String> names, Open open, ConditionTrial trial) {
        RunContext.SecondLook look = ctx.secondLook();
        int planned = rounds(ctx.profile()) * (look == RunContext.SecondLook.NOW ? LOOKS : 1);
        List<Trial> trials = new ArrayList<>();
        for (int round = -1; round < planned; round++) {
            ctx.progress(what + (look == RunContext.SecondLook.NOW ? ", second look" : "") + ", round " + (round + 2)
                    + " of " + (planned + 1));
            roundOf(trials, names, round, trial);
        }
        List<String> undecided = open.in(trials);
        if (look == RunContext.SecondLook.AT_ONCE) {
            for (int more = 2; more <= LOOKS && !undecided.isEmpty(); more++) {
                for (int round = (more - 1) * planned; round < more * planned; round++) {
                    ctx.progress(what + ", look " + more + " of " + LOOKS + ", round " + (round + 1) + " of "
                            + more * planned + " (undecided: " + String.join(", ", undecided) + ")");
                    roundOf(trials, names, round, trial);
                }
                undecided = open.in(trials);
            }
        }
        ctx.rounds(
                roundsTaken(trials),
                look == RunContext.SecondLook.DEFERRED
                        ? undecided.stream().map(c -> what + ": " + c).toList()
                        : List.of());
        return trials;
    }

    private static void roundOf(List<Trial> trials, List<String> names, int round, ConditionTrial trial) {
        for (int i : order(round, names.size())) {
            StreamTrial t = StreamRunner.verified(trial.run(i, round));
            if (round >= 0) trials.add(trial(names.get(i), round, t));
        }
    }

    /** {baseline, condition} for every condition after the first: what the generic degrade rule reads. */
    public static List<List<String>> againstFirst(List<String> names) {
        return names.stream().skip(1).map(n -> List.of(names.getFirst(), n)).toList();
    }

    /** The conditions whose comparison a claim's rule reads and that {@code trials} leave undecided. */
    @FunctionalInterface
    public interface Open {
        List<String> in(List<Trial> trials);
    }

    /** The conditions of {@code pairs} whose paired comparison {@link #against} leaves undecided. */
    public static Open undecidedAgainst(List<List<String>> pairs) {
        return trials -> undecided(trials, pairs);
    }

    /** The conditions of {@code pairs} whose paired comparison is still undecided in {@code trials}. */
    public static List<String> undecided(List<Trial> trials, List<List<String>> pairs) {
        return pairs.stream()
                .filter(pair -> against(pairedRatio(trials, pair.get(0), pair.get(1))) == Against.UNDECIDED)
                .map(pair -> pair.get(1))
                .toList();
    }

    /** How many rounds {@code trials} hold (the planned ones, or twice as many after a second look). */
    public static int roundsTaken(List<Trial> trials) {
        return trials.stream().mapToInt(Trial::round).max().orElse(-1) + 1;
    }

    public static Estimate estimate(List<Trial> trials, String condition) {
        return Estimate.ofMedianCovering(
                coverage(trials),
                trials.stream()
                        .filter(t -> t.condition().equals(condition))
                        .mapToDouble(Trial::gbitPerSecond)
                        .toArray());
    }

    /**
     * Per round, the condition's throughput ÷ the baseline's in the same round. Rounds interleave the conditions,
     * so a pair shares whatever the host was doing then; comparing pairs instead of two pooled intervals keeps
     * one bimodal baseline from deciding the outcome.
     */
    public static Estimate pairedRatio(List<Trial> trials, String baseline, String condition) {
        return Estimate.ofMedianCovering(coverage(trials), perRoundRatios(trials, baseline, condition));
    }

    /** Per round that holds both, {@code condition}'s throughput ÷ {@code baseline}'s. */
    public static double[] perRoundRatios(List<Trial> trials, String baseline, String condition) {
        Map<Integer, Double> base = new TreeMap<>();
        for (Trial t : trials) if (t.condition().equals(baseline)) base.put(t.round(), t.gbitPerSecond());
        double[] ratios = trials.stream()
                .filter(t -> t.condition().equals(condition) && base.containsKey(t.round()))
                .mapToDouble(t -> t.gbitPerSecond() / base.get(t.round()))
                .toArray();
        if (ratios.length == 0)
            throw new IllegalArgumentException("no round holds both '" + baseline + "' and '" + condition + "'");
        return ratios;
    }

    /** How a condition's throughput compared with the baseline's in the same rounds; written as words in the tables. */
    public enum Against {
        BASELINE,
        LOWER,
        HIGHER,
        /** Shown the same: the ratio's whole interval lies within the margin either side of 1. */
        EQUIVALENT,
        /** Neither shown different nor shown the same: the interval straddles a margin. */
        UNDECIDED,
        /**
         * Written by runs before the equivalence test ("not shown different"); read from their tables, never decided
         * today: {@link #fromTables} recomputes the comparison from the recorded trials.
         */
        WITHIN_NOISE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * Measurably lower: the median per-round ratio is at least {@link #MARGIN} below 1 and its interval lies wholly
     * below 1 (with up to eight rounds: every pair agrees).
     */
    public static <T> Condition<T> measurablyLower(String ratio, ToDoubleFunction<T> median, ToDoubleFunction<T> high) {
        return Condition.below("the upper end of the interval of " + ratio, high, 1, Shown.PLAIN)
                .and(Condition.atMost(ratio, median, 1 - MARGIN, Shown.PLAIN));
    }

    /** Measurably higher, the mirror of {@link #measurablyLower}. */
    public static <T> Condition<T> measurablyHigher(String ratio, ToDoubleFunction<T> median, ToDoubleFunction<T> low) {
        return Condition.above("the lower end of the interval of " + ratio, low, 1, Shown.PLAIN)
                .and(Condition.atLeast(ratio, median, 1 / (1 - MARGIN), Shown.PLAIN));
    }

    /**
     * Shown the same within {@link #MARGIN}: two one-sided tests (TOST), each at 2.5 % or less, as the whole interval of
     * the median ratio (95 % coverage or more, {@link #coverage}) inside [1 − margin, 1 ÷ (1 − margin)] — the margin is
     * symmetric on a log scale, so "10 % slower" and "as much faster" are equally far from 1.
     */
    public static <T> Condition<T> equivalent(String ratio, ToDoubleFunction<T> low, ToDoubleFunction<T> high) {
        return Condition.atLeast("the lower end of the interval of " + ratio, low, 1 - MARGIN, Shown.PLAIN)
                .and(Condition.atMost("its upper end", high, 1 / (1 - MARGIN), Shown.PLAIN));
    }

    private static final String PER_ROUND = "the median per-round throughput ratio condition ÷ baseline";
    private static final Condition<Estimate> LOWER = measurablyLower(PER_ROUND, Estimate::median, Estimate::high),
            HIGHER = measurablyHigher(PER_ROUND, Estimate::median, Estimate::low),
            SAME = equivalent(PER_ROUND, Estimate::low, Estimate::high);

    /**
     * Lower, higher, equivalent, or undecided. Lower and equivalent exclude each other but at a median of exactly
     * 1 − margin with a zero-width interval; lower is tried first.
     */
    public static Against against(Estimate ratio) {
        if (LOWER.holds(ratio)) return Against.LOWER;
        if (HIGHER.holds(ratio)) return Against.HIGHER;
        return SAME.holds(ratio) ? Against.EQUIVALENT : Against.UNDECIDED;
    }

    /** The words of the test {@link #against} makes, for a rule's evidence and a notebook's prose. */
    public static String againstDescribed() {
        return "lower when " + LOWER.describe() + "; higher when " + HIGHER.describe() + "; equivalent when "
                + SAME.describe() + " (two one-sided tests, each at 2.5 % or less); undecided otherwise";
    }

    public static double copies(TracedStream.Result r) {
        return r.traced()
                ? ReceiveCopies.of(r.trace(), r.receiverTids(), r.trial().bytesReceived())
                        .perByte()
                : Double.NaN;
    }

    /**
     * The summaries again from a recorded run: today's {@link #summarize} over the recorded trials, in the recorded
     * summary's order of conditions and with its copies and details (those come from traced transfers, not trials).
     */
    public static List<Summary> fromTables(Recorded r) {
        List<Summary> recorded = r.rows("summary", Summary.class);
        if (recorded.isEmpty())
            throw new Recorded.MissingTableException(
                    "the run's table 'summary' of " + r.view().experiment() + " is empty");
        return summarize(
                recordedTrials(r),
                recorded.stream().map(Summary::condition).toList(),
                recorded.stream().map(Summary::receiveCopiesPerByte).toList(),
                recorded.stream().map(Summary::detail).toList());
    }

    /** How each condition compared with the baseline, for a rejudged verdict's inputs. */
    public static String describe(List<Summary> rows) {
        return String.join(
                "; ",
                rows.stream()
                        .map(s -> String.format(
                                "%s: %.2f× baseline, %s, %s copies/B",
                                s.condition(), s.ratioToBaseline(), s.againstBaseline(), s.receiveCopiesPerByte()))
                        .toList());
    }

    /** Summaries in the order of {@code conditions}; the first is the baseline. */
    public static List<Summary> summarize(
            List<Trial> trials, List<String> conditions, List<Double> copies, List<String> details) {
        List<Summary> out = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            Estimate e = estimate(trials, conditions.get(i));
            Estimate r = pairedRatio(trials, conditions.getFirst(), conditions.get(i));
            out.add(new Summary(
                    conditions.get(i),
                    e.median(),
                    e.low(),
                    e.high(),
                    r.median(),
                    r.low(),
                    r.high(),
                    i == 0 ? Against.BASELINE : against(r),
                    copies.get(i),
                    details.get(i)));
        }
        return out;
    }

    /** A condition beside the baseline, as the path-change test reads it. */
    public record Versus(Summary baseline, Summary condition) {
        public double copiesMoved() {
            return Math.abs(condition.receiveCopiesPerByte() - baseline.receiveCopiesPerByte());
        }
    }

    public static List<Versus> versus(List<Summary> rows) {
        return rows.stream().skip(1).map(r -> new Versus(rows.getFirst(), r)).toList();
    }

    /** Another path: the receiver's copies per byte moved (both traced; an untraced side never counts). */
    public static final Condition<List<Summary>> PATH_CHANGED = Condition.some(
            "condition",
            Conditions::versus,
            Condition.above(
                    "|its receiver's copies per byte − the baseline's|",
                    Versus::copiesMoved,
                    SAME_COPIES,
                    Shown.PLAIN));

    /** A row whose throughput {@link #against} found measurably lower (or higher) than the baseline's, said so. */
    public static <T> Condition<T> found(Against side, Function<T, Against> of) {
        return Condition.fact(
                "its throughput is measurably " + side + " than the baseline's ("
                        + (side == Against.LOWER ? LOWER : HIGHER).describe() + ")",
                r -> of.apply(r) == side);
    }

    /** A row shown equivalent to the baseline's throughput (or, where {@code orHigher}, shown equivalent or faster). */
    public static <T> Condition<T> unchanged(Function<T, Against> of, boolean orHigher) {
        return Condition.fact(
                "its throughput is shown "
                        + (orHigher ? "equivalent to the baseline's or higher" : "equivalent to the baseline's") + " ("
                        + SAME.describe() + ")",
                r -> of.apply(r) == Against.EQUIVALENT || (orHigher && of.apply(r) == Against.HIGHER));
    }

    /**
     * The rule of the "it degrades to the copy path if …" claims: SUPPORTED when a condition changed the receiver's
     * copies (another path), PARTLY_TRUE when the path stayed but a condition was measurably slower, REFUTED when every
     * condition is shown equivalent (or faster), and HOST_DEPENDENT — undecided, with the intervals — when a condition
     * is neither: "not shown slower" is not "shown the same". With {@code baselineIsACondition} (the baseline is itself
     * one of the things the claim blames, as the default congestion-control module is) a condition measurably faster is
     * the baseline measurably slower, and only equivalence refutes.
     */
    public static Rule<List<Summary>> degradeRule(String claim, boolean baselineIsACondition) {
        Condition<List<Summary>> slower =
                Condition.some("condition", Conditions::others, found(Against.LOWER, Summary::againstBaseline));
        if (baselineIsACondition)
            slower = slower.or(
                    Condition.some("condition", Conditions::others, found(Against.HIGHER, Summary::againstBaseline)));
        return Rule.<List<Summary>>forClaim(claim)
                .when(Verdict.SUPPORTED, PATH_CHANGED)
                .when(Verdict.PARTLY_TRUE, slower)
                .when(
                        Verdict.REFUTED,
                        Condition.every(
                                "condition",
                                Conditions::others,
                                unchanged(Summary::againstBaseline, !baselineIsACondition)))
                .because(
                        (baselineIsACondition
                                        ? "the baseline is one of the conditions the claim blames, so either direction counts"
                                        : "a slowdown that keeps the copies is the same path, slower")
                                + "; a condition neither shown slower nor shown the same leaves the claim undecided on this host")
                .otherwise(Verdict.HOST_DEPENDENT);
    }

    private static List<Summary> others(List<Summary> rows) {
        return rows.subList(1, rows.size());
    }

    public static List<String> evidence(List<Summary> rows, List<Trial> trials, String placement) {
        List<String> ev = new ArrayList<>();
        int rounds = roundsTaken(trials);
        for (Summary s : rows) {
            ev.add(String.format(
                    "%s: %.2f Gbit/s [%.2f, %.2f] (median of %d interleaved rounds; per round %.2f× the baseline [%.2f, %.2f], %s); receiver copies per byte %s%s",
                    s.condition(),
                    s.gbitPerSecond(),
                    s.low(),
                    s.high(),
                    rounds,
                    s.ratioToBaseline(),
                    s.ratioLow(),
                    s.ratioHigh(),
                    s.againstBaseline(),
                    Double.isNaN(s.receiveCopiesPerByte())
                            ? "not traced"
                            : String.format("%.3f", s.receiveCopiesPerByte()),
                    s.detail().isEmpty() ? "" : "; " + s.detail()));
        }
        ev.add("throughput against the baseline, per round: " + againstDescribed());
        ev.add(String.format(
                "sequential rounds: up to %d looks, the second only while a comparison the rule reads is undecided (in a notebook as many rounds again at once; in ./lab run, after every experiment's first pass and within the run's budget, twice the planned rounds measured afresh, replacing the first look's, which the table first-look-trials keeps); each look's intervals at %.1f %% coverage (Bonferroni over the looks, so the look the run stopped at covers with at least 95 %%); these are %d rounds of timed trials lasting %.2f s each (median; a condition's effect may depend on how long a trial lasts)",
                LOOKS, coverage(trials) * 100, rounds, trialSeconds(trials)));
        ev.add(
                "placement: " + placement
                        + " (pinned to one CPU so that no round is decided by where the scheduler put the two: unpinned, lo jumped "
                        + "between ~12 and ~24 Gbit/s from trial to trial on a 2-vCPU VM; pinned, the figures are one core's worth of loopback)");
        return ev;
    }

    /** The median length of the timed trials, from the bytes each moved and its rate. */
    public static double trialSeconds(List<Trial> trials) {
        return Estimate.ofMedian(trials.stream().mapToDouble(Trial::seconds).toArray())
                .median();
    }

    /** The verdict sentence for a degrade claim, following the computed verdict. */
    public static String summary(Verdict v, List<Summary> rows, String what) {
        Summary base = rows.getFirst();
        double worst = rows.stream().mapToDouble(Summary::ratioToBaseline).min().orElse(1);
        if (rows.stream().anyMatch(r -> Double.isNaN(r.receiveCopiesPerByte()))) {
            return String.format(
                    "%s %s (lowest %.2f× the baseline); the copy path could not be traced here (tracefs unavailable), so whether it changed is not shown.",
                    what,
                    switch (v) {
                        case PARTLY_TRUE -> "made transfers measurably slower";
                        case HOST_DEPENDENT -> "left it undecided whether transfers slow (" + undecided(rows) + ")";
                        default -> "moved the throughput by less than the ±" + Math.round(MARGIN * 100) + " % margin";
                    },
                    worst);
        }
        String copies = String.format(
                "the receiver copies %.2f of every byte under every condition", base.receiveCopiesPerByte());
        return switch (v) {
            case SUPPORTED -> what + " changed the copy evidence (table): a different data path.";
            case PARTLY_TRUE ->
                String.format(
                        "%s changed throughput (down to %.2f× the baseline) but did not switch paths: %s, baseline included — there is no copy-free path to fall from.",
                        what, worst, copies);
            case HOST_DEPENDENT ->
                String.format(
                        "%s did not switch paths (%s), and whether it slows the transfer is undecided here: %s.",
                        what, copies, undecided(rows));
            default ->
                String.format(
                        "%s moved neither the path nor the throughput: %s, and every condition is shown within ±%.0f %% of the baseline (lowest %.2f×).",
                        what, copies, MARGIN * 100, worst);
        };
    }

    /** "10 rules: 0.95× [0.85, 1.07]" for each undecided row: the intervals that straddle a margin. */
    public static String undecided(List<Summary> rows) {
        return String.join(
                "; ",
                rows.stream()
                        .filter(r -> r.againstBaseline() == Against.UNDECIDED)
                        .map(r -> String.format(
                                "%s %.2f× the baseline [%.2f, %.2f], neither wholly below 1 nor within ±%.0f %%",
                                r.condition(), r.ratioToBaseline(), r.ratioLow(), r.ratioHigh(), MARGIN * 100))
                        .toList());
    }

    /** Two figures: copies per byte against the article's prediction, and throughput relative to the baseline. */
    public static void figures(Outcome o, String claim, String title, String xTitle, List<Summary> rows) {
        List<String> names = rows.stream().map(Summary::condition).toList();
        CategoryChart c = Charts.bars(claim + ": " + title + " — the copy path", xTitle, "receiver copies per byte");
        c.addSeries(
                        "measured (skb_copy_datagram_iovec bytes / payload)",
                        names,
                        rows.stream()
                                .map(r -> Double.isNaN(r.receiveCopiesPerByte()) ? 0.0 : r.receiveCopiesPerByte())
                                .toList())
                .setFillColor(Charts.MEASURED);
        List<Double> predicted = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) predicted.add(i == 0 ? 0.0 : 1.0);
        c.addSeries("article: 0 on the fast path, ≥ 1 once degraded", names, predicted)
                .setFillColor(Charts.CLAIM);
        o.figure(new Figure(
                "copies",
                List.of(claim),
                "Measured: bytes the receiving read() copied out of socket buffers per payload byte, from one traced transfer per condition (0 = not traced). "
                        + "The article's prediction beside it: a copy-free baseline that the condition degrades to copying.",
                c));
        CategoryChart t =
                Charts.bars(claim + ": " + title + " — throughput", xTitle, "Gbit/s (median, verified bytes)");
        t.addSeries("measured", names, rows.stream().map(Summary::gbitPerSecond).toList())
                .setFillColor(Charts.MEASURED);
        t.addSeries("interval low", names, rows.stream().map(Summary::low).toList())
                .setFillColor(Charts.SAMPLE);
        o.figure(new Figure(
                "throughput",
                List.of(claim),
                "Measured: throughput under each condition (median of interleaved rounds, with the low end of its "
                        + "distribution-free interval). The article names no figure, only a fall to 'the regular copy path'.",
                t));
        o.table("summary", RecordTable.of("summary", Summary.class, rows));
    }
}

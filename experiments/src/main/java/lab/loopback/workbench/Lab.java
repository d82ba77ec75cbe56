package lab.loopback.workbench;

import java.awt.image.BufferedImage;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.compare.KernelMatrix;
import lab.loopback.compare.RunComparison;
import lab.loopback.kernel.HostFingerprint;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.MeasurementInterruptedException;
import lab.loopback.measure.Profile;
import lab.loopback.result.ExperimentView;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import lab.loopback.result.TableView;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The notebooks' entry point: the same experiment objects {@code ./lab run} uses. With LAB_RUN_DIR set
 * (as {@code ./lab run} does when it executes the notebooks) results are read from that run, so the
 * notebook shows exactly what the report shows; otherwise experiments run live in the profile named by
 * LAB_PROFILE (quick by default).
 */
public final class Lab {
    private final Path runDir;
    /** The context live experiments share, so one notebook measures the stream sweep once. */
    private final RunContext context;

    private final Map<String, ExperimentView> done = new HashMap<>();
    /** Asked once, in a strict (test) notebook only. */
    private HostAbilities abilities;

    private Lab(Profile profile, Path runDir) {
        this.runDir = runDir;
        this.context = new RunContext(profile, HostProbe.probe(), ClaimLedger.bundled(), 0, msg -> {});
        // a notebook has no end of run: unmount tracefs (if this lab mounted it) when the kernel's JVM exits
        Runtime.getRuntime().addShutdownHook(new Thread(context::close));
    }

    /** Profile from LAB_PROFILE (default quick), results from LAB_RUN_DIR when set. */
    public static Lab open() {
        return open("quick");
    }

    /**
     * The notebooks' parameter cell: {@code profile} ("quick", "standard" or "thorough") unless the environment names
     * one (LAB_PROFILE, set by {@code ./lab}); results come from LAB_RUN_DIR when that is set.
     */
    public static Lab open(String profile) {
        String env = System.getenv("LAB_PROFILE");
        String dir = System.getenv("LAB_RUN_DIR");
        return new Lab(
                Profile.parse(env == null || env.isBlank() ? profile : env),
                dir == null || dir.isBlank() ? null : Path.of(dir));
    }

    /** A lab that measures live in {@code profile}, whatever the environment says. */
    public static Lab live(Profile profile) {
        return new Lab(profile, null);
    }

    public RunContext context() {
        return context;
    }

    /** Where this notebook's numbers come from, in one sentence for the reader. */
    public String source() {
        return runDir != null
                ? "Results of the run in " + runDir + " (not remeasured here)."
                : "Measured live in this notebook, profile '"
                        + context.profile().id() + "'.";
    }

    /**
     * The outcome of the experiment judging {@code claimId}: loaded from the run, or measured now (once). Where this
     * host produced no figure or table, {@code show} and {@code tableOrNote} offer the reference run's, labelled.
     */
    public ExperimentView experiment(String claimId) {
        Experiment e = Experiments.forClaim(claimId);
        return done.computeIfAbsent(
                e.name(),
                n -> new WithReference(
                        measureOrLoad(e, claimId),
                        reference(),
                        strict() && strictAbilities().hasEvery(),
                        context.host().hostId()));
    }

    /** The committed reference run the notebooks fall back on ({@link ReferenceRuns#fallback}), or null. */
    public Path reference() {
        return ReferenceRuns.fallback(ReferenceRuns.fromEnvironment());
    }

    /**
     * The reference runs, then this notebook's run (LAB_RUN_DIR, else results/latest when there is one), lined up
     * by claim for the cross-host notebook.
     */
    public RunComparison compare() {
        List<Path> runs = new ArrayList<>(ReferenceRuns.fromEnvironment());
        Path mine = thisHostsRun();
        if (mine != null) runs.add(mine);
        if (runs.isEmpty())
            throw new IllegalStateException(
                    "no runs to compare: no reference run under LAB_HOME/data/reference and no run of this host (./lab run)");
        return RunComparison.of(context.ledger(), runs);
    }

    /** The run this notebook reports on: LAB_RUN_DIR, else LAB_HOME/results/latest when a run finished there, else null. */
    private Path thisHostsRun() {
        if (runDir != null) return runDir;
        String home = System.getenv("LAB_HOME");
        if (home != null && Files.isRegularFile(Path.of(home, "results", "latest", "verdicts.json")))
            return Path.of(home, "results", "latest");
        return null;
    }

    /**
     * The claims judged from the kernel's testimony, one column per kernel (the reference runs include guests of older
     * kernels, {@code ./lab run --kernel}); a table saying why there is none when the runs span one kernel.
     */
    public static TableView kernelMatrix(RunComparison cmp) {
        if (KernelMatrix.applies(cmp)) return view(KernelMatrix.table(cmp));
        return view(Table.create(
                "no kernel matrix",
                StringColumn.create(
                        "why",
                        List.of("the runs compared here span one kernel ("
                                + cmp.runs().getFirst().kernel()
                                + "): ./lab run --kernel 5.10 (or 6.1, 6.12) adds another"))));
    }

    /** The comparison's overlaid figures, ready for display(...). */
    public List<BufferedImage> figures(RunComparison cmp) {
        return Experiments.acrossRuns(cmp).stream().map(Figure::image).toList();
    }

    private ExperimentView measureOrLoad(Experiment e, String claimId) {
        String n = e.name();
        if (runDir != null && RunStore.has(runDir, n)) return RunStore.load(runDir, n);
        if (runDir != null) {
            // say so: the reader was told the numbers come from the run
            System.out.println(claimId + " was not part of the run in " + runDir + "; measuring it live now (profile '"
                    + context.profile().id() + "').");
        }
        if (!strict()) return runOrExplain(e, context, reference() != null, null);
        return measuredOncePerPass(
                testPass(), e.name(), () -> runOrExplain(e, context, reference() != null, strictAbilities()));
    }

    /**
     * {@code measure} unless an earlier notebook of this test pass ({@code pass}; null: none) measured {@code
     * experiment} already, in which case that is read; what is measured is kept there for the notebooks after. Only a
     * strict notebook's measurement is kept: it was judged wherever the host could judge it, or it threw.
     */
    static ExperimentView measuredOncePerPass(Path pass, String experiment, Supplier<ExperimentView> measure) {
        if (pass != null && RunStore.has(pass, experiment)) {
            System.out.println(experiment + " was measured earlier in this test pass (" + pass
                    + "); read from there, not measured again.");
            return RunStore.load(pass, experiment);
        }
        ExperimentView v = measure.get();
        if (pass != null && v instanceof Outcome o) RunStore.addExperiment(pass, o);
        return v;
    }

    /**
     * Set by {@code ./lab test} for one pass (with {@link #STRICT_ENV}): a directory where each experiment measured in
     * the pass is kept — by the quick runs of the Maven run tests, or live by a notebook — so a later notebook that
     * shows the same experiment (notebooks 11 and 12 both show veth against lo) reads it instead of measuring it again.
     */
    public static final String TEST_PASS_ENV = "LAB_TEST_PASS_DIR";

    private static Path testPass() {
        String dir = System.getenv(TEST_PASS_ENV);
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    private static boolean strict() {
        return "1".equals(System.getenv(STRICT_ENV));
    }

    /** This host's abilities, asked once per notebook (they do not change while it runs). */
    private HostAbilities strictAbilities() {
        if (abilities == null) abilities = HostAbilities.probe();
        return abilities;
    }

    /**
     * Set by {@code ./lab test}: an experiment that throws, or leaves a claim NOT_TESTABLE_HERE for want of something
     * this host has ({@link HostAbilities}), fails the notebook instead of falling back. A restricted host is the
     * experiments' own business (they say NOT_TESTABLE_HERE with what was lacking); a throw or an unjudged claim the
     * host could judge is a bug or a restriction nobody handled, which a test run must show, not hide behind the
     * reference run.
     */
    public static final String STRICT_ENV = "LAB_STRICT";

    /**
     * {@code e} measured live; an experiment that throws on this host becomes NOT_TESTABLE_HERE for its claims, with the
     * exception as the reason (a reader's notebook must not break on a restricted host), unless the reader interrupted
     * it or {@code strict} (tests) asks for the exception.
     */
    public static ExperimentView runOrExplain(Experiment e, RunContext context, boolean haveReference, boolean strict) {
        return runOrExplain(e, context, haveReference, strict ? HostAbilities.probe() : null);
    }

    /** As above; {@code strictOn}: the host the strict check judges against, or null for a reader's notebook. */
    public static ExperimentView runOrExplain(
            Experiment e, RunContext context, boolean haveReference, HostAbilities strictOn) {
        boolean strict = strictOn != null;
        try {
            ExperimentView v = e.run(context);
            if (strict) requireJudged(v, strictOn);
            return v;
        } catch (RuntimeException ex) {
            MeasurementInterruptedException stopped = MeasurementInterruptedException.of(ex);
            if (stopped != null) throw stopped; // the reader stopped it: no verdict, no fallback
            if (strict) throw ex;
            System.out.println(
                    e.name() + " could not run on this host (" + ex + "); its claims are NOT_TESTABLE_HERE here"
                            + (haveReference
                                    ? ", and the reference run's figures and tables are shown where it has them."
                                    : "."));
            return FailedExperiment.outcome(
                    e, ex, context.ledger(), context.host().hostId());
        }
    }

    /** A strict run's claims that came back NOT_TESTABLE_HERE although {@code host} could have judged them. */
    public static final class UnjudgedException extends IllegalStateException {
        @Serial
        private static final long serialVersionUID = 1L;

        public UnjudgedException(String message) {
            super(message);
        }
    }

    public static void requireJudged(ExperimentView v, HostAbilities host) {
        List<String> unjudged = host.unjudged(v.verdicts().stream());
        if (!unjudged.isEmpty()) {
            throw new UnjudgedException(v.experiment() + " left claims unjudged that this host can judge:\n  "
                    + String.join("\n  ", unjudged));
        }
    }

    /** One claim's verdict as a few lines of text: quote, verdict, summary, numbers, evidence. */
    public String explain(ClaimVerdict v) {
        return explainVerdict(v);
    }

    /**
     * What decides {@code claimId}, as {@code ./lab explain} prints it: the article's words, the rule's code with its
     * thresholds and source file, the experiment and its tables, and its verdict on this notebook's run and on each
     * reference run.
     */
    public String explain(String claimId) {
        String home = System.getenv("LAB_HOME");
        Path h = home == null ? null : Path.of(home);
        List<Path> runs = new ArrayList<>();
        Path mine = thisHostsRun();
        if (mine != null) runs.add(mine);
        runs.addAll(ReferenceRuns.fromEnvironment());
        return ClaimExplanation.of(context.ledger(), claimId, h, runs);
    }

    private String explainVerdict(ClaimVerdict v) {
        Claim c = context.claim(v.claim());
        StringBuilder b = new StringBuilder();
        b.append(v.claim()).append(": ").append(v.verdict()).append('\n');
        b.append("  article: \"").append(c.quote()).append("\"\n");
        b.append("  ").append(v.summary()).append('\n');
        if (v.measured() != null) {
            b.append(String.format("  measured %.4g", v.measured()));
            if (v.measuredLow() != null) b.append(String.format(" [%.4g, %.4g]", v.measuredLow(), v.measuredHigh()));
            b.append(" ").append(v.unit() == null ? "" : v.unit());
            if (v.claimed() != null) b.append(String.format("; claimed %.4g", v.claimed()));
            b.append('\n');
        }
        for (String e : v.evidence())
            b.append("  - ").append(e.replace("\n", "\n    ")).append('\n');
        if (v.verdict() == Verdict.NOT_TESTABLE_HERE
                && done.get(Experiments.forClaim(v.claim()).name()) instanceof WithReference w) {
            ClaimVerdict ref = w.referenceVerdict(v.claim());
            if (ref != null && ref.verdict() != Verdict.NOT_TESTABLE_HERE) {
                b.append("  On the ")
                        .append(w.label())
                        .append(": ")
                        .append(ref.verdict())
                        .append(" — ")
                        .append(ref.summary())
                        .append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The verdict of every claim of the ledger: from LAB_RUN_DIR, else from LAB_HOME/results/latest when a run
     * exists, else from the reference run, titled as the reference host's (not this one's); with none of these,
     * every claim is marked as not yet measured.
     */
    public TableView verdictTable() {
        return verdictTable(
                context.ledger(), thisHostsRun(), reference(), context.host().hostId());
    }

    /** The verdict table from this host's run {@code dir}, else from the reference run {@code ref} (either may be null). */
    public static TableView verdictTable(ClaimLedger ledger, Path dir, Path ref) {
        return verdictTable(ledger, dir, ref, null);
    }

    /** As above, on host {@code liveHostId} (null: not known), so a reference of the same id is titled as such. */
    public static TableView verdictTable(ClaimLedger ledger, Path dir, Path ref, String liveHostId) {
        Path source = dir != null ? dir : ref;
        Map<String, ClaimVerdict> byId = new HashMap<>();
        if (source != null) for (ClaimVerdict v : RunStore.verdicts(source)) byId.put(v.claim(), v);
        StringColumn id = StringColumn.create("claim"),
                sec = StringColumn.create("section"),
                verdict = StringColumn.create("verdict"),
                summary = StringColumn.create("summary");
        for (Claim c : ledger.claims()) {
            ClaimVerdict v = byId.get(c.id());
            id.append(c.id());
            sec.append(String.format(
                    "%02d %s", c.section(), ledger.section(c.section()).slug()));
            verdict.append(
                    v == null ? Verdict.NOT_YET_MEASURED.name() : v.verdict().name());
            summary.append(
                    v == null
                            ? (source == null ? "no run on this host yet: ./lab run" : "not in this run")
                            : abbreviate(v.summary(), 110));
        }
        String title = dir != null
                ? "verdicts of " + dir.getFileName()
                : ref != null
                        ? "REFERENCE verdicts of " + ref.getFileName() + " (data/reference): "
                                + (WithReference.ofThisConfiguration(ref, liveHostId)
                                        ? WithReference.EARLIER_RUN + "; this host has no run yet (./lab run)"
                                        : "not this host, which has no run yet (./lab run)")
                        : "verdicts (no run yet)";
        return TableView.of(
                Table.create(title, id, sec, verdict, summary), ledger.claims().size());
    }

    /** Any Tablesaw table, shown as a table (HTML where the notebook renders it, aligned text otherwise). */
    public static TableView view(Table t) {
        return TableView.of(t);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    /** The host fingerprint as "key: value" lines. */
    public String hostSummary() {
        StringBuilder b = new StringBuilder();
        for (var comp : HostFingerprint.class.getRecordComponents()) {
            try {
                b.append(String.format(
                        "%-26s %s%n", comp.getName(), comp.getAccessor().invoke(context.host())));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }
}

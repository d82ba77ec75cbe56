package lab.loopback.workbench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.kernel.HostFingerprint;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.Profile;
import lab.loopback.report.ReportWriter;
import lab.loopback.result.Outcome;
import lab.loopback.result.RunInfo;
import lab.loopback.result.RunStore;
import lab.loopback.result.ScheduleEntry;

/**
 * One run of the workbench: select claims, run the experiments that judge them, write the run directory
 * (atomically: it appears only when complete), render the report. A failing experiment does not stop the
 * run; its claims say why they could not be judged and the run records the failure.
 */
public final class LabRun {
    /**
     * {@code kernelSource} may be null: then LAB_KERNEL_SRC, else no source tree. {@code budget}: how long the
     * experiments may take before second looks stop (null: none).
     */
    public record Options(
            Profile profile,
            List<String> only,
            Path out,
            int port,
            ClaimLedger ledger,
            Path kernelSource,
            Duration budget) {
        /** The profile's own budget. */
        public Options(Profile profile, List<String> only, Path out, int port, ClaimLedger ledger, Path kernelSource) {
            this(profile, only, out, port, ledger, kernelSource, profile.budget);
        }
    }

    public record Result(Path runDir, List<ClaimVerdict> verdicts, List<String> failures, double seconds) {}

    /** Receives progress: which experiment (1-based index of total) and what it is doing now. */
    public interface Progress {
        void experiment(int index, int total, String name);

        void step(String message);

        /** The run's budget, once its clock has started: a display shows what is left from the run's own clock. */
        default void budget(Budget budget) {}

        void done();
    }

    private LabRun() {}

    /** One pass of one experiment: its outcome (a failure's when it threw), how long it took, what it reported. */
    public record Pass(
            Experiment experiment,
            Outcome outcome,
            double seconds,
            int rounds,
            List<String> undecided,
            String failure) {
        static Pass run(Experiment e, RunContext ctx, ClaimLedger ledger, HostFingerprint host, List<String> failures) {
            long t0 = System.nanoTime();
            Outcome o;
            String failure = null;
            try {
                o = e.run(ctx);
            } catch (RuntimeException ex) {
                failure = e.name() + " failed: " + ex.getMessage();
                failures.add(failure);
                ctx.progress("FAILED: " + failure);
                o = FailedExperiment.outcome(e, ex, ledger, host.hostId());
            }
            return new Pass(
                    e, o, (System.nanoTime() - t0) / 1e9, ctx.roundsReported(), ctx.undecidedReported(), failure);
        }

        /** The selected claims' verdicts, as a run on {@code host} reports them (a timing is not judged in an emulator). */
        void verdicts(List<String> selected, Map<String, ClaimVerdict> into, ClaimLedger ledger, HostFingerprint host) {
            for (ClaimVerdict v : outcome.verdicts())
                if (selected.contains(v.claim()))
                    into.put(v.claim(), EmulatedTimings.apply(v, ledger.claim(v.claim()), host));
        }

        public ScheduleEntry entry(String pass, SecondLooks.Decision next) {
            return new ScheduleEntry(
                    experiment.name(),
                    experiment.claims(),
                    pass,
                    seconds,
                    rounds,
                    undecided,
                    next.why(),
                    next.secondLook());
        }
    }

    public static Result execute(Options opt, Progress progress) {
        ClaimLedger ledger = opt.ledger();
        List<String> selected =
                opt.only().isEmpty() ? ledger.claims().stream().map(Claim::id).toList() : ledger.select(opt.only());
        List<Experiment> experiments = Experiments.judging(selected);
        for (String l : Leftovers.sweep(opt.out())) progress.step("before this run: " + l);
        Instant start = Instant.now();
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(start) + "-" + opt.profile().id();
        RunStore.Writer w = RunStore.begin(opt.out(), runId);
        try {
            HostFingerprint host = HostProbe.probe();
            w.json("host.json", host);
            Map<String, ClaimVerdict> verdicts = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            Budget budget = Budget.of(opt.budget());
            progress.budget(budget);
            List<ScheduleEntry> schedule = new ArrayList<>();
            try (RunContext ctx = new RunContext(opt.profile(), host, ledger, opt.port(), progress::step)) {
                if (opt.kernelSource() != null) ctx.withKernelSource(opt.kernelSource());
                Map<Experiment, Outcome> first = new LinkedHashMap<>();
                int i = 0;
                for (Experiment e : experiments) {
                    progress.experiment(++i, experiments.size(), e.name() + " (" + String.join(", ", e.claims()) + ")");
                    Pass pass = Pass.run(e, ctx.secondLook(RunContext.SecondLook.DEFERRED), ledger, host, failures);
                    w.outcome(pass.outcome());
                    pass.verdicts(selected, verdicts, ledger, host);
                    SecondLooks.Decision next = SecondLooks.decide(pass, budget);
                    if (next.secondLook()) first.put(e, pass.outcome());
                    schedule.add(pass.entry(ScheduleEntry.FIRST, next));
                }
                // second looks, after every first pass: the budget then goes to what is still undecided, whichever
                // experiment it is, instead of to the first experiments that happened to be
                SecondLooks.take(schedule, budget, entry -> {
                    Experiment e = first.keySet().stream()
                            .filter(x -> x.name().equals(entry.experiment()))
                            .findFirst()
                            .orElseThrow();
                    progress.experiment(
                            experiments.indexOf(e) + 1,
                            experiments.size(),
                            e.name() + ", second look (" + String.join(", ", entry.undecided()) + " undecided; "
                                    + budget.describe() + ")");
                    Pass pass = Pass.run(e, ctx.secondLook(RunContext.SecondLook.NOW), ledger, host, failures);
                    if (pass.failure() == null) { // a failed second look leaves the first pass's outcome standing
                        w.replaceOutcome(SecondLooks.keepingFirst(pass.outcome(), first.get(e)));
                        pass.verdicts(selected, verdicts, ledger, host);
                    }
                    return pass;
                });
            }
            // measure, then judge: what each verdict decided while measuring must be what its rule says of the tables
            // the run recorded (./lab rejudge applies the same rules later); a difference is the workbench's bug
            for (ClaimVerdict v : verdicts.values()) {
                String why = Rejudge.disagreement(ledger.claim(v.claim()), v, w.dir());
                if (why == null) continue;
                failures.add(why);
                progress.step("FAILED: " + why);
            }
            progress.done();
            List<ClaimVerdict> all = new ArrayList<>();
            for (Claim c : ledger.claims()) {
                ClaimVerdict v = verdicts.get(c.id());
                if (v == null) {
                    v = Experiments.judges(c.id())
                            ? ClaimVerdict.notSelected(c, host.hostId())
                            : ClaimVerdict.notYetMeasured(c, host.hostId());
                }
                all.add(v);
            }
            w.json("verdicts.json", all);
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1e3;
            w.json(
                    "run.json",
                    new RunInfo(
                            runId,
                            opt.profile().id(),
                            start.toString(),
                            Instant.now().toString(),
                            seconds,
                            selected,
                            experiments.stream().map(Experiment::name).toList(),
                            failures,
                            "lab run",
                            budget.limitSeconds(),
                            schedule));
            new ReportWriter(ledger).write(w.dir());
            Path dir = w.commit();
            return new Result(dir, all, failures, seconds);
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }
}

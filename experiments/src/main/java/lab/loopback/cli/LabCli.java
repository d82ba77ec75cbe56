package lab.loopback.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.compare.RunComparison;
import lab.loopback.experiments.NetfilterRules;
import lab.loopback.guest.DebianKernels;
import lab.loopback.guest.GuestRun;
import lab.loopback.kernel.HostProbe;
import lab.loopback.kernel.KernelSource;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.Profile;
import lab.loopback.report.ComparisonReport;
import lab.loopback.report.ReportWriter;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import lab.loopback.workbench.Budget;
import lab.loopback.workbench.ClaimExplanation;
import lab.loopback.workbench.Experiments;
import lab.loopback.workbench.LabRun;
import lab.loopback.workbench.Rejudge;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The Java side of {@code ./lab}: run, report, host, claims. Bad input: one line naming the value, exit 2. */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        version = "Loopback Lab 0.1",
        description = "Puts the claims of 'What is the Zero-Copy Loopback Stack?' to the test on this host.",
        subcommands = {
            LabCli.Run.class,
            LabCli.Report.class,
            LabCli.Publish.class,
            LabCli.Compare.class,
            LabCli.Reference.class,
            LabCli.Host.class,
            LabCli.Claims.class,
            LabCli.Explain.class,
            LabCli.RejudgeRuns.class,
            LabCli.Sections.class,
            Calibrate.class,
            Kernels.class
        })
public final class LabCli implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new LabCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException) {
                System.err.println("lab: " + ex.getMessage());
                return BAD_INPUT;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("lab: " + ex.getMessage());
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    /** {@code --claims FILE}, shared by every subcommand that reads the ledger. */
    static final class LedgerOption {
        @Option(names = "--claims", description = "a claims.yaml to use instead of the bundled ledger")
        Path file;

        ClaimLedger ledger() {
            return file == null ? ClaimLedger.bundled() : ClaimLedger.load(file);
        }
    }

    @Command(
            name = "run",
            description = "Run the experiments, print the verdict table, write OUT/RUN-ID/ (OUT/latest points to it).")
    static final class Run implements Callable<Integer> {
        @Option(
                names = "--profile",
                defaultValue = "standard",
                description = "quick (seconds per experiment), standard (the real run, within its budget) or thorough"
                        + " (the long fixed plan, no budget); default ${DEFAULT-VALUE}")
        String profile;

        @Option(
                names = "--budget",
                description = "how long the experiments may take before second looks stop: 15m, 900s, 1h30m, 90"
                        + " (minutes) or none; default: the profile's (quick 10m, standard 15m, thorough none)")
        String budget;

        @Option(
                names = "--only",
                split = ",",
                description = "claim ids (PERF-1), section numbers (7) or names (performance), comma-separated")
        List<String> only = List.of();

        @Option(
                names = "--out",
                defaultValue = "results",
                description = "directory that receives the run; default ${DEFAULT-VALUE}")
        Path out;

        @Option(
                names = "--port",
                defaultValue = "0",
                description = "loopback port for the receiver (iperf3 takes port+1); 0 = any free port")
        int port;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Option(
                names = "--kernel-src",
                description = "a Linux source tree to consult for PATH-4 (default: LAB_KERNEL_SRC, else none)")
        Path kernelSource;

        @Option(
                names = "--run-dir-file",
                description = "write the finished run's directory (absolute) into this file, for scripts")
        Path runDirFile;

        @Option(
                names = "--staged",
                description = "measure into OUT/" + RunStore.STAGED + "/, for `publish` to move into OUT once the "
                        + "notebooks and report are in (./lab run does this)")
        boolean staged;

        @Option(
                names = "--kernel",
                description = "run inside a QEMU guest booting Debian's Linux SERIES (5.10, 6.1, 6.12; ./lab kernels"
                        + " lists them), by default only the claims judged from the kernel's testimony")
        String kernel;

        @Option(
                names = "--accel",
                defaultValue = "auto",
                description =
                        "with --kernel: tcg (emulated), kvm, or auto (KVM where a guest boots under it, else TCG);"
                                + " default ${DEFAULT-VALUE}")
        String accel;

        @Option(
                names = "--guest-timeout",
                defaultValue = "90m",
                description =
                        "with --kernel: the guest is killed after this long (15m, 1h30m, 90); default ${DEFAULT-VALUE}")
        String guestTimeout;

        @Override
        public Integer call() {
            Profile p = Profile.parse(profile);
            if (kernel != null) return inGuest(p);
            Duration limit = budget == null ? p.budget : Budget.parse(budget);
            for (Path left : RunStore.staged(out))
                System.err.println("lab: " + left + " was measured but not published (its run stopped before the "
                        + "notebooks and report were in, or is still running): not a result");
            if (kernelSource != null) KernelSource.at(kernelSource); // a bad tree fails before anything is measured
            Ports.check(port);
            NetfilterRules.ruleCounts(System.getenv("LAB_NFT_RULES")); // a bad count fails before anything is measured
            ChildJvm.waitScale(System.getenv(ChildJvm.WAIT_SCALE_ENV)); // so does a bad wait scale
            ClaimLedger ledger = claims.ledger();
            if (!only.isEmpty()) ledger.select(only); // fail on a bad selector before anything is measured
            var result = LabRun.execute(
                    new LabRun.Options(
                            p, only, staged ? out.resolve(RunStore.STAGED) : out, port, ledger, kernelSource, limit),
                    ProgressDisplay.create());
            if (runDirFile != null)
                AtomicFiles.writeString(
                        runDirFile, result.runDir().toAbsolutePath().toString());
            VerdictTable.print(System.out, ledger, result.verdicts());
            System.out.printf(
                    "%nrun: %s (%.0f s)%nreport: %s%n",
                    result.runDir(), result.seconds(), result.runDir().resolve("report.html"));
            if (!result.failures().isEmpty()) {
                System.err.println("lab: " + result.failures().size() + " experiment(s) failed:");
                result.failures().forEach(f -> System.err.println("  " + f));
                return 1;
            }
            return 0;
        }

        /** The run inside a guest: its own LabCli run, brought back into OUT/.staged (then published unless --staged). */
        private int inGuest(Profile p) {
            DebianKernels.line(kernel); // an unknown series fails before anything is fetched
            Duration bound;
            try {
                bound = Budget.parse(guestTimeout);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--guest-timeout: " + e.getMessage());
            }
            if (bound == null) throw new IllegalArgumentException("--guest-timeout none: a guest always has a bound");
            if (budget != null) Budget.parse(budget);
            ClaimLedger ledger = claims.ledger();
            List<String> selected = only.isEmpty() ? Kernels.testimonyClaims(ledger) : ledger.select(only);
            List<String> inner = new ArrayList<>(List.of("--profile", p.id(), "--only", String.join(",", selected)));
            if (budget != null) inner.addAll(List.of("--budget", budget));
            GuestRun.Result r;
            try {
                r = GuestRun.execute(
                        new GuestRun.Options(
                                kernel, accel, inner, out, bound, Kernels.jdk(), Kernels.classpath(), Kernels.cache()),
                        m -> System.err.println("lab: " + m));
            } catch (
                    IllegalStateException
                            e) { // no QEMU, no /dev/kvm, a guest that did not boot or finish: said, not traced
                System.err.println("lab: " + e.getMessage());
                return 1;
            }
            Path dir = staged ? r.runDir() : RunStore.publish(r.runDir());
            if (runDirFile != null)
                AtomicFiles.writeString(runDirFile, dir.toAbsolutePath().toString());
            VerdictTable.print(System.out, ledger, RunStore.verdicts(dir));
            System.out.printf(
                    "%nrun: %s (guest: %s; %.0f s from image to results)%n",
                    dir, r.guest().describe(), r.seconds());
            if (r.exitStatus() != 0)
                System.err.println("lab: the run inside the guest ended with status " + r.exitStatus()
                        + " (its console: " + dir.resolve("guest-console.log") + ")");
            return r.exitStatus() == 0 ? 0 : 1;
        }
    }

    @Command(name = "report", description = "Re-render RUN_DIR/report.html from what the run directory holds.")
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", description = "a run directory, e.g. results/latest")
        Path runDir;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            System.out.println(new ReportWriter(claims.ledger()).write(RunStore.finishedRun(runDir)));
            return 0;
        }
    }

    @Command(
            name = "publish",
            description = "Move a run measured with run --staged, its notebooks and report now in, into OUT "
                    + "(OUT/latest points to it).")
    static final class Publish implements Callable<Integer> {
        @Parameters(index = "0", description = "the staged run, OUT/" + RunStore.STAGED + "/RUN-ID")
        Path staged;

        @Option(names = "--run-dir-file", description = "write the published run's directory (absolute) into this file")
        Path runDirFile;

        @Override
        public Integer call() {
            Path dir = RunStore.publish(staged);
            if (runDirFile != null)
                AtomicFiles.writeString(runDirFile, dir.toAbsolutePath().toString());
            System.out.println("run: " + dir);
            return 0;
        }
    }

    @Command(
            name = "compare",
            description = "Line up finished runs (other hosts, kernels, days) by claim: verdicts side by side, "
                    + "differences flagged, key figures overlaid.")
    static final class Compare implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "run directories, e.g. results/latest data/reference/*")
        List<Path> runs;

        @Option(
                names = "--out",
                description =
                        "also write comparison.html, comparison.csv, runs.csv and the figures into this directory")
        Path out;

        @Option(
                names = "--rejudged",
                description =
                        "compare the verdicts ./lab rejudge wrote (RUN_DIR/rejudged.json, labelled with their rules) "
                                + "instead of the ones each run recorded")
        boolean rejudged;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            var cmp = RunComparison.of(claims.ledger(), runs, rejudged);
            System.out.print(cmp.text());
            if (out != null)
                System.out.println("comparison: " + ComparisonReport.write(cmp, Experiments.acrossRuns(cmp), out));
            return 0;
        }
    }

    @Command(
            name = "reference",
            description =
                    "Copy a finished run, trimmed (CSV, PNG, JSON), to data/reference/HOST-ID/ as this host's reference run.")
    static final class Reference implements Callable<Integer> {
        @Parameters(index = "0", description = "a finished run directory, e.g. results/latest")
        Path runDir;

        @Option(
                names = "--into",
                defaultValue = ReferenceRuns.DIR,
                description = "where reference runs live; default ${DEFAULT-VALUE}")
        Path into;

        @Override
        public Integer call() {
            System.out.println("reference: " + ReferenceRuns.export(runDir, into));
            return 0;
        }
    }

    @Command(name = "host", description = "Print this host's fingerprint (host.json) to stdout.")
    static final class Host implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            System.out.println(RunStore.JSON.writeValueAsString(HostProbe.probe()));
            return 0;
        }
    }

    @Command(
            name = "sections",
            description = "Print the section numbers (two digits, space-separated) whose claims RUN_DIR selected.")
    static final class Sections implements Callable<Integer> {
        @Parameters(index = "0", description = "a finished run directory, e.g. results/latest")
        Path runDir;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            ClaimLedger l = claims.ledger();
            Set<String> selected = new HashSet<>(RunStore.runInfo(runDir).selectedClaims());
            System.out.println(String.join(
                    " ",
                    l.claims().stream()
                            .filter(c -> selected.contains(c.id()))
                            .map(c -> String.format("%02d", c.section()))
                            .distinct()
                            .sorted()
                            .toList()));
            return 0;
        }
    }

    @Command(
            name = "explain",
            description =
                    "From a claim id to what decides it: the article's words, the rule's code and thresholds, its "
                            + "source file, the experiment and its tables, the verdict on results/latest and each reference run.")
    static final class Explain implements Callable<Integer> {
        @Parameters(index = "0", description = "a claim id, e.g. PATH-3")
        String claim;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            Path home = Path.of(System.getenv().getOrDefault("LAB_HOME", "."))
                    .toAbsolutePath()
                    .normalize();
            System.out.print(ClaimExplanation.of(claims.ledger(), claim, home, ClaimExplanation.runs(home)));
            return 0;
        }
    }

    @Command(
            name = "rejudge",
            description = "Judge finished runs again with today's rules, from their recorded tables only: writes "
                    + "RUN_DIR/rejudged.json beside the run's own verdicts.json (never changed) and prints every claim whose "
                    + "verdict or measured value changed.")
    static final class RejudgeRuns implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "finished run directories, e.g. results/latest data/reference/*")
        List<Path> runs;

        @Option(
                names = "--adopt",
                description =
                        "for a reference run under data/reference: make today's verdicts of the changed claims "
                                + "the run's own (verdicts.json), each saying what it was re-judged from; git keeps the old ones")
        boolean adopt;

        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            String rules = Rejudge.rulesVersion(Path.of(System.getenv().getOrDefault("LAB_HOME", ".")));
            for (Path run : runs) {
                Rejudge.Result r = Rejudge.of(run, claims.ledger(), rules);
                System.out.print(r.describe());
                if (adopt) for (Path f : Rejudge.adopt(r)) System.out.println("  adopted into " + f);
                else System.out.println("  wrote " + Rejudge.write(r));
            }
            return 0;
        }
    }

    @Command(name = "claims", description = "List the claim ledger.")
    static final class Claims implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        LedgerOption claims;

        @Override
        public Integer call() {
            ClaimLedger l = claims.ledger();
            for (var c : l.claims())
                System.out.printf(
                        "%-8s %02d  %s%n",
                        c.id(), c.section(), c.quote().length() > 90 ? c.quote().substring(0, 89) + "…" : c.quote());
            return 0;
        }
    }
}

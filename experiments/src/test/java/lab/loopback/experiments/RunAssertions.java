package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.result.RunInfo;
import lab.loopback.result.RunStore;
import lab.loopback.result.ScheduleEntry;
import lab.loopback.workbench.HostAbilities;
import lab.loopback.workbench.Lab;
import lab.loopback.workbench.LabRun;
import lab.loopback.workbench.Rejudge;

/** What every end-to-end run test asks of its claims' verdicts. */
final class RunAssertions {
    private RunAssertions() {}

    /**
     * Each of {@code claims} has a verdict; a judged one names its evidence; an unjudged one names what the host lacked
     * and why; and none is unjudged for want of something this host has ({@link HostAbilities}).
     */
    static Map<String, ClaimVerdict> judgedWhereJudgeable(List<ClaimVerdict> verdicts, List<String> claims) {
        Map<String, ClaimVerdict> byId =
                verdicts.stream().collect(Collectors.toMap(ClaimVerdict::claim, Function.identity()));
        for (String id : claims) {
            ClaimVerdict v = byId.get(id);
            assertNotNull(v, id + " has a verdict");
            assertNotEquals(Verdict.NOT_YET_MEASURED, v.verdict(), id);
            if (v.verdict() == Verdict.NOT_TESTABLE_HERE) {
                assertNotNull(v.lack(), id + " names what this host lacked: " + v.summary());
                assertTrue(v.summary().length() > 20, id + " gives a reason: " + v.summary());
            } else {
                assertFalse(v.evidence().isEmpty(), id + " names its evidence");
            }
        }
        assertEquals(
                List.of(),
                HostAbilities.probe().unjudged(claims.stream().map(byId::get)),
                "claims this host can judge came back unjudged");
        return byId;
    }

    /**
     * A quick run of {@code sections} into {@code out}, without progress output, that must have no failure — which
     * includes LabRun's own check that every verdict is what its rule says of the tables the run recorded.
     */
    static LabRun.Result quickRun(Path out, String... sections) {
        var r = LabRun.execute(
                new LabRun.Options(Profile.QUICK, List.of(sections), out, 0, ClaimLedger.bundled(), null),
                new LabRun.Progress() {
                    public void experiment(int index, int total, String name) {}

                    public void step(String message) {}

                    public void done() {}
                });
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        scheduleRecorded(r.runDir());
        keepForTheNotebooks(r.runDir());
        return r;
    }

    /**
     * run.json holds the budget and the schedule: one first pass per experiment, in run order, each saying what came
     * next; a second look only where its first pass asked for one; the report shows it.
     */
    static void scheduleRecorded(Path run) {
        RunInfo info = RunStore.runInfo(run);
        assertEquals(Profile.QUICK.budget.toSeconds(), info.budgetSeconds(), 1e-9);
        List<ScheduleEntry> first = info.schedule().stream()
                .filter(e -> e.pass().equals(ScheduleEntry.FIRST))
                .toList();
        assertEquals(
                info.experiments(),
                first.stream().map(ScheduleEntry::experiment).toList());
        for (ScheduleEntry e : info.schedule()) {
            assertFalse(e.decision().isBlank(), e.toString());
            assertTrue(e.seconds() > 0, e.toString());
        }
        for (ScheduleEntry e : info.schedule()) {
            if (!e.pass().equals(ScheduleEntry.SECOND)) continue;
            ScheduleEntry asked = first.stream()
                    .filter(f -> f.experiment().equals(e.experiment()))
                    .findFirst()
                    .orElseThrow();
            assertTrue(asked.secondLook(), asked + " was not asked for a second look");
            assertFalse(asked.undecided().isEmpty(), asked.toString());
            assertTrue(
                    Files.exists(run.resolve(e.experiment()).resolve("first-look-trials.csv")),
                    "the first look's trials are kept beside the second's");
        }
        try {
            assertTrue(Files.readString(run.resolve("report.html")).contains("Where the time went"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Under {@code ./lab test} (which sets {@link Lab#TEST_PASS_ENV}), what this quick run measured is kept for the
     * pass's strict notebooks, which then read it instead of measuring the same experiments a second time; the
     * hosted-user pass still measures every notebook live.
     */
    private static void keepForTheNotebooks(Path run) {
        String pass = System.getenv(Lab.TEST_PASS_ENV);
        if (pass != null && !pass.isBlank()) RunStore.addExperiments(run, Path.of(pass));
    }

    /**
     * Today's rules applied to the tables {@code run} just recorded give the verdicts and measured values it decided
     * while measuring: the rule that judged the run is the rule {@code ./lab rejudge} applies.
     */
    static void rejudgingReproduces(Path run) {
        Rejudge.Result r = Rejudge.of(run, ClaimLedger.bundled(), "the working tree");
        assertTrue(r.rejudged() > 0, "no claim of " + run + " was rejudged: " + r.describe());
        assertEquals(List.of(), r.changed().stream().map(Rejudge.Entry::claim).toList(), r.describe());
    }

    /**
     * The distinct values of {@code column} in table {@code table} that experiment {@code experiment} of {@code run}
     * recorded, in order of first appearance.
     */
    static List<String> values(Path run, String experiment, String table, String column) {
        var t = RunStore.load(run, experiment).tables().get(table);
        assertNotNull(t, experiment + " recorded no table " + table);
        return t.column(column).asList().stream()
                .map(String::valueOf)
                .distinct()
                .toList();
    }

    /** The placements of the peers this host can arrange, as tables record them: every latency must be split by them. */
    static List<String> placements() {
        return Placement.arrangeableHere().stream().map(Placement::id).toList();
    }
}

package lab.loopback.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.MeasurementInterruptedException;
import lab.loopback.measure.Profile;
import lab.loopback.measurements.Conditions;
import lab.loopback.result.ExperimentView;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.result.RunStore;
import lab.loopback.result.TableView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a notebook shows when this host has no run, and when an experiment throws or is interrupted. */
class LabNotebookTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    private static Path run(Path root, String id, Verdict perf1) {
        RunStore.Writer w = RunStore.begin(root, id);
        w.json("host.json", Map.of("hostId", id));
        w.json(
                "verdicts.json",
                List.of(new ClaimVerdict(
                        "PERF-1", perf1, "judged on " + id, null, null, null, null, null, List.of(), id)));
        return w.commit();
    }

    private static String cell(TableView v, String claim, String column) {
        var t = v.table();
        for (int r = 0; r < t.rowCount(); r++)
            if (t.stringColumn("claim").get(r).equals(claim))
                return t.stringColumn(column).get(r);
        throw new AssertionError("no row " + claim);
    }

    @Test
    void withoutARunOfThisHostTheReferenceVerdictsAreShownUnderTheReferenceHostsName(@TempDir Path tmp) {
        Path ref = run(tmp, "ref-host", Verdict.HOST_DEPENDENT);
        TableView v = Lab.verdictTable(LEDGER, null, ref);
        assertTrue(
                v.name().startsWith("REFERENCE verdicts of " + ref.getFileName())
                        && v.name().contains("not this host"),
                v.name());
        assertEquals(LEDGER.claims().size(), v.table().rowCount());
        assertEquals("HOST_DEPENDENT", cell(v, "PERF-1", "verdict"));
        assertEquals("NOT_YET_MEASURED", cell(v, "TLDR-1", "verdict"));
        assertFalse(v.toHtml().contains("rows shown"), "all claims are shown");
        // a reference of this host's own id is titled as an earlier run of a host so configured
        String same = Lab.verdictTable(LEDGER, null, ref, ref.getFileName().toString())
                .name();
        assertTrue(same.contains("an earlier run on a host of this one's configuration"), same);
        assertFalse(same.contains("not this host"), same);
    }

    @Test
    void thisHostsRunComesBeforeTheReference(@TempDir Path tmp) {
        Path mine = run(tmp.resolve("mine"), "this-host", Verdict.REFUTED);
        Path ref = run(tmp.resolve("ref"), "ref-host", Verdict.HOST_DEPENDENT);
        TableView v = Lab.verdictTable(LEDGER, mine, ref);
        assertEquals("verdicts of " + mine.getFileName(), v.name());
        assertEquals("REFUTED", cell(v, "PERF-1", "verdict"));
        assertEquals(
                "verdicts (no run yet)", Lab.verdictTable(LEDGER, null, null).name());
    }

    private static Experiment throwing(RuntimeException e, boolean interruptFirst) {
        return new Experiment() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public List<String> claims() {
                return List.of("PERF-1", "PERF-2");
            }

            @Override
            public Outcome run(RunContext ctx) {
                if (interruptFirst) Thread.currentThread().interrupt();
                throw e;
            }
        };
    }

    /** ./lab test measures each experiment once per pass over the notebooks: the second notebook reads the first's. */
    @Test
    void aTestPassMeasuresAnExperimentOnceAndLaterNotebooksReadIt(@TempDir Path pass) throws IOException {
        AtomicInteger measured = new AtomicInteger();
        Supplier<ExperimentView> measure = () -> {
            measured.incrementAndGet();
            Outcome o = new Outcome("counted");
            o.table(
                    "rows",
                    RecordTable.of(
                            "rows",
                            Conditions.Trial.class,
                            List.of(
                                    new Conditions.Trial("a", 0, 1, 1, 1, 1),
                                    new Conditions.Trial("b", 0, 2, 1, 1, 1))));
            o.verdict(ClaimVerdict.notTestable(LEDGER.claim("PERF-1"), Lack.NO_DATA, "a test outcome", "host"));
            return o;
        };
        ExperimentView first = Lab.measuredOncePerPass(pass, "counted", measure);
        ExperimentView second = Lab.measuredOncePerPass(pass, "counted", measure);
        assertEquals(1, measured.get(), "measured once");
        assertEquals(
                first.tables().get("rows").rowCount(),
                second.tables().get("rows").rowCount());
        assertEquals(first.verdict("PERF-1").summary(), second.verdict("PERF-1").summary());
        // no pass (a reader's notebook): measured every time, nothing kept
        Lab.measuredOncePerPass(null, "counted", measure);
        assertEquals(2, measured.get());
        try (var files = Files.list(pass)) {
            assertEquals(
                    List.of("counted"),
                    files.map(f -> f.getFileName().toString()).toList(),
                    "no partial left");
        }
    }

    @Test
    void anExperimentThatThrowsIsNotTestableWithItsReason() {
        try (RunContext ctx = new RunContext(Profile.parse("quick"), HostProbe.probe(), LEDGER, 0, m -> {})) {
            ExperimentView v = Lab.runOrExplain(
                    throwing(new IllegalStateException("io_uring SEND_ZC failed: ENOMEM"), false), ctx, true, false);
            for (String id : List.of("PERF-1", "PERF-2")) {
                assertEquals(Verdict.NOT_TESTABLE_HERE, v.verdict(id).verdict());
                assertTrue(
                        v.verdict(id).summary().contains("ENOMEM"),
                        v.verdict(id).summary());
            }
        }
    }

    /** ./lab test runs the notebooks strict: a throwing experiment must fail them, not pass behind a fallback. */
    @Test
    void inATestRunAThrowingExperimentFailsTheNotebook() {
        try (RunContext ctx = new RunContext(Profile.parse("quick"), HostProbe.probe(), LEDGER, 0, m -> {})) {
            IllegalStateException bug = new IllegalStateException("NoClassDefFoundError in a child JVM");
            assertSame(
                    bug,
                    assertThrows(
                            IllegalStateException.class,
                            () -> Lab.runOrExplain(throwing(bug, false), ctx, true, true)));
        }
    }

    @Test
    void anInterruptedExperimentStaysAnInterruptionAndGetsNoVerdict() {
        try (RunContext ctx = new RunContext(Profile.parse("quick"), HostProbe.probe(), LEDGER, 0, m -> {})) {
            assertThrows(
                    MeasurementInterruptedException.class,
                    () -> Lab.runOrExplain(
                            throwing(new IllegalStateException("interrupted waiting for the child"), true),
                            ctx,
                            true,
                            false));
            assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared so cleanup can wait for children");
            Thread.currentThread().interrupt();
            assertThrows(
                    MeasurementInterruptedException.class,
                    () -> ctx.progress("next step"),
                    "an experiment stops at its next step");
        }
    }
}

package lab.loopback.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.loopback.chart.Charts;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.report.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

class RunStoreTest {
    record Row(int size, double gbit, boolean verified) {}

    static Outcome sample() {
        XYChart c = Charts.xy("t", "x", "y", true);
        Charts.line(c, "m", new double[] {12, 13}, new double[] {1, 2}, Charts.MEASURED);
        Outcome o = new Outcome("demo");
        o.table(
                "rows",
                RecordTable.of("rows", Row.class, List.of(new Row(4096, 1.5, true), new Row(8192, 2.5, false))));
        o.figure(new Figure("fig", List.of("PERF-1"), "a <caption> & more", c));
        o.verdict(new ClaimVerdict(
                "PERF-1",
                Verdict.HOST_DEPENDENT,
                "measured <b>10</b>",
                10.0,
                9.0,
                11.0,
                96.3,
                "Gbit/s",
                List.of("e1"),
                "host-x"));
        o.note("a note");
        return o;
    }

    static Path writeRun(Path out) {
        RunStore.Writer w = RunStore.begin(out, "run-1");
        w.json("host.json", Map.of("hostId", "host-x"));
        Outcome o = sample();
        w.outcome(o);
        w.json("verdicts.json", o.verdicts());
        return w.commit();
    }

    @Test
    void aCommittedRunAppearsWholeAndLatestPointsToIt(@TempDir Path out) throws IOException {
        Path dir = writeRun(out);
        assertEquals(out.resolve("run-1"), dir);
        assertFalse(Files.exists(out.resolve("run-1" + RunStore.PARTIAL)));
        assertEquals(dir.toRealPath(), out.resolve("latest").toRealPath());
        for (String f : List.of(
                "demo/rows.csv",
                "demo/fig.png",
                "demo/fig.svg",
                "demo/figures.json",
                "demo/notes.json",
                "verdicts.json")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(dir.resolve("demo/fig.svg")).contains("<svg"));
        try (var s = Files.list(dir.resolve("demo"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void aStagedRunAppearsInOutOnlyWhenPublished(@TempDir Path out) throws IOException {
        Path staged = writeRun(out.resolve(RunStore.STAGED));
        assertEquals(out.resolve(RunStore.STAGED).resolve("run-1"), staged);
        assertFalse(Files.exists(out.resolve("latest"), LinkOption.NOFOLLOW_LINKS), "nothing in OUT yet");
        assertFalse(Files.exists(out.resolve("run-1")));
        assertEquals(List.of(staged), RunStore.staged(out));
        Files.writeString(staged.resolve("report.html"), "<html>added while staged</html>");
        Path published = RunStore.publish(staged);
        assertEquals(out.resolve("run-1"), published);
        assertEquals(published.toRealPath(), out.resolve("latest").toRealPath());
        assertTrue(Files.readString(published.resolve("report.html")).contains("added while staged"));
        assertFalse(Files.exists(out.resolve(RunStore.STAGED)), "the staging directory goes with its last run");
        assertEquals(List.of(), RunStore.staged(out));
        // a second run with the same id is published beside the first, never over it
        Path again = RunStore.publish(writeRun(out.resolve(RunStore.STAGED)));
        assertEquals(out.resolve("run-1-2"), again);
        assertEquals(again.toRealPath(), out.resolve("latest").toRealPath());
        var e = assertThrows(IllegalArgumentException.class, () -> RunStore.publish(published));
        assertTrue(e.getMessage().contains("is not a staged run"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> RunStore.publish(out.resolve(RunStore.STAGED).resolve("run-1")));
    }

    @Test
    void aStoredOutcomeReadsBackAsWritten(@TempDir Path out) {
        Path dir = writeRun(out);
        ExperimentView v = RunStore.load(dir, "demo");
        Table t = v.table("rows");
        assertEquals(2, t.rowCount());
        assertEquals(8192, t.intColumn("size").get(1));
        assertEquals(List.of("fig"), v.figureNames());
        assertEquals(900, v.figure("fig").getWidth());
        assertEquals(Verdict.HOST_DEPENDENT, v.verdict("PERF-1").verdict());
        assertEquals(List.of("a note"), v.notes());
        assertTrue(v.origin().contains(dir.toString()));
        assertEquals(List.of("demo"), RunStore.experiments(dir));
    }

    @Test
    void aRunsExperimentsAreAddedToAPassWholeAndWhatThePassHeldIsKept(@TempDir Path out) throws IOException {
        Path run = writeRun(out.resolve("runs"));
        Path pass = Files.createDirectories(out.resolve("pass"));
        Outcome other = new Outcome("kept");
        other.note("measured first");
        RunStore.addExperiment(pass, other);
        // the pass already holds "kept" from another measurement: the copy of the run's must not replace it
        Files.createDirectories(run.resolve("kept"));
        Files.writeString(run.resolve("kept/verdicts.json"), "[]");
        Files.writeString(run.resolve("kept/notes.json"), "[\"from the run\"]");

        RunStore.addExperiments(run, pass);

        assertEquals(List.of("demo", "kept"), RunStore.experiments(pass));
        ExperimentView v = RunStore.load(pass, "demo");
        assertEquals(8192, v.table("rows").intColumn("size").get(1));
        assertEquals(Verdict.HOST_DEPENDENT, v.verdict("PERF-1").verdict());
        assertEquals(900, v.figure("fig").getWidth());
        assertEquals(List.of("measured first"), RunStore.load(pass, "kept").notes());
        try (var s = Files.list(pass)) {
            assertEquals(
                    List.of("demo", "kept"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no partial copy left beside them");
        }
        // a run's files that cannot be read: an error naming the experiment, and nothing half-copied
        Path broken = Files.createDirectories(out.resolve("broken"));
        Files.createDirectories(broken.resolve("bad"));
        Files.writeString(broken.resolve("bad/verdicts.json"), "[]");
        Files.createSymbolicLink(broken.resolve("bad/rows.csv"), broken.resolve("missing.csv"));
        var e = assertThrows(UncheckedIOException.class, () -> RunStore.addExperiments(broken, pass));
        assertTrue(e.getMessage().contains("cannot add bad to " + pass), e.getMessage());
        assertFalse(Files.exists(pass.resolve("bad")));
        try (var s = Files.list(pass)) {
            assertEquals(2, s.count(), "nothing of the failed copy is left");
        }
    }

    @Test
    void aSecondRunWithTheSameIdNeverReplacesTheFirst(@TempDir Path out) throws IOException {
        Path first = writeRun(out);
        Path second = writeRun(out);
        assertEquals(out.resolve("run-1-2"), second);
        assertTrue(Files.isRegularFile(first.resolve("verdicts.json")), "the first run is still there");
        assertEquals(second.toRealPath(), out.resolve("latest").toRealPath());
    }

    @Test
    void anAbortedRunLeavesNothing(@TempDir Path out) {
        RunStore.Writer w = RunStore.begin(out, "run-2");
        w.outcome(sample());
        w.abort();
        assertFalse(Files.exists(w.dir()));
        assertFalse(Files.exists(out.resolve("latest")));
    }

    @Test
    void anUnwritableOutIsAClearError(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> RunStore.begin(file.resolve("sub"), "r"));
        assertTrue(e.getMessage().startsWith("--out " + file.resolve("sub")), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunStore.begin(tmp, "../escape"));
    }

    @Test
    void theReportShowsEveryLedgerClaimWithEmbeddedFiguresAndEscapedText(@TempDir Path out) throws IOException {
        Path dir = writeRun(out);
        String html = Files.readString(new ReportWriter(ClaimLedger.bundled()).write(dir));
        for (var c : ClaimLedger.bundled().claims()) assertTrue(html.contains("id=\"" + c.id() + "\""), c.id());
        assertTrue(html.contains("data:image/png;base64,"));
        assertTrue(html.contains("measured &lt;b&gt;10&lt;/b&gt;"));
        assertFalse(html.contains("<b>10</b>"));
        assertTrue(html.contains("NOT_YET_MEASURED"));
        assertTrue(html.contains("demo/rows.csv"));
    }

    @Test
    void recordTablesUseSnakeCaseColumns() {
        Table t = RecordTable.of("r", Row.class, List.of(new Row(1, 2, true)));
        assertEquals(List.of("size", "gbit", "verified"), t.columnNames());
        assertEquals("bytes_per_second", RecordTable.snake("bytesPerSecond"));
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.compare.ComparedRun;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Today's rules applied to recorded runs: the committed reference run agrees with itself; a changed table shows. */
class RejudgeTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    private static List<Path> references() {
        List<Path> refs = ReferenceRuns.under(Path.of("..").toAbsolutePath().normalize());
        assertFalse(refs.isEmpty(), "a reference run is committed under data/reference");
        return refs;
    }

    private static Path copy(Path run, Path into) throws IOException {
        try (var s = Files.walk(run)) {
            for (Path p : s.toList()) {
                Path t = into.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return into;
    }

    @Test
    void everyReferenceRunRejudgedGivesItsRecordedVerdicts() {
        for (Path ref : references()) {
            Rejudge.Result r = Rejudge.of(ref, LEDGER, "test");
            assertEquals(RecordedRules.ALL.size(), r.rejudged(), ref + ": every separated rule applied");
            assertEquals(
                    List.of(), r.changed().stream().map(Rejudge.Entry::describe).toList(), ref.toString());
        }
    }

    @Test
    void rejudgedVerdictsGoBesideTheRunsOwnWhichStayAsTheyWere(@TempDir Path tmp) throws IOException {
        Path run = copy(references().getFirst(), tmp.resolve("run"));
        byte[] before = Files.readAllBytes(run.resolve("verdicts.json"));
        Path written = Rejudge.write(Rejudge.of(run, LEDGER, "commit test"));
        assertEquals(run.resolve(Rejudge.FILE), written);
        assertArrayEquals(
                before, Files.readAllBytes(run.resolve("verdicts.json")), "the recorded verdicts are history");
        var doc = RunStore.JSON.readTree(written.toFile());
        assertEquals("commit test", doc.get("rules").asText());
        assertEquals(LEDGER.claims().size(), doc.get("verdicts").size());
        assertEquals(RecordedRules.ALL.size(), doc.get("rejudged").size());
    }

    @Test
    void aChangedTableChangesTheVerdictAndIsNamed(@TempDir Path tmp) throws IOException {
        Path run = copy(references().getFirst(), tmp.resolve("run"));
        // the capture read the clear marker on the reference host; say it did not, and SEC-1 must follow the table
        Path capture = run.resolve("tls-cost/capture.csv");
        Files.writeString(capture, Files.readString(capture).replace("clear,16,true", "clear,16,false"));
        Rejudge.Result r = Rejudge.of(run, LEDGER, "test");
        Rejudge.Entry sec1 = r.changed().stream()
                .filter(e -> e.claim().equals("SEC-1"))
                .findFirst()
                .orElseThrow();
        assertEquals(Verdict.PARTLY_TRUE, sec1.recorded().verdict());
        assertEquals(Verdict.SUPPORTED, sec1.now().verdict());
        assertTrue(r.describe().contains("SEC-1: PARTLY_TRUE → SUPPORTED"), r.describe());
        assertTrue(
                sec1.now().summary().startsWith("Rejudged with the rules of test"),
                sec1.now().summary());
    }

    @Test
    void compareShowsRejudgedVerdictsWhenAskedAndSaysWhichRules(@TempDir Path tmp) throws IOException {
        Path run = copy(references().getFirst(), tmp.resolve("run"));
        var missing = assertThrows(IllegalArgumentException.class, () -> RunComparison.of(LEDGER, List.of(run), true));
        assertTrue(missing.getMessage().contains("run ./lab rejudge"), missing.getMessage());
        Path capture = run.resolve("tls-cost/capture.csv");
        Files.writeString(capture, Files.readString(capture).replace("clear,16,true", "clear,16,false"));
        Rejudge.write(Rejudge.of(run, LEDGER, "commit test"));
        ComparedRun now = RunComparison.of(LEDGER, List.of(run), true).runs().getFirst();
        assertEquals(Verdict.SUPPORTED, now.verdicts().get("SEC-1").verdict());
        assertTrue(now.label().endsWith("rejudged with the rules of commit test"), now.label());
        ComparedRun recorded = RunComparison.of(LEDGER, List.of(run)).runs().getFirst();
        assertEquals(Verdict.PARTLY_TRUE, recorded.verdicts().get("SEC-1").verdict());
        assertFalse(recorded.label().contains("rejudged"), recorded.label());
    }

    @Test
    void aMissingTableIsNotTestableNamingItNeverAnException(@TempDir Path tmp) throws IOException {
        Path run = copy(references().getFirst(), tmp.resolve("run"));
        Files.delete(run.resolve("syscalls-and-delivery/syscalls-per-mib.csv"));
        Rejudge.Entry zc2 = Rejudge.of(run, LEDGER, "test").entries().stream()
                .filter(e -> e.claim().equals("ZC-2"))
                .findFirst()
                .orElseThrow();
        assertEquals(Verdict.NOT_TESTABLE_HERE, zc2.now().verdict());
        assertEquals(Lack.NO_DATA, zc2.now().lack());
        assertTrue(zc2.now().summary().contains("'syscalls-per-mib'"), zc2.now().summary());
    }

    @Test
    void everySeparatedRuleIsTheOneTheLedgerNames() {
        for (String id : RecordedRules.ALL.keySet()) {
            assertFalse(LEDGER.claim(id).rule().isEmpty(), id);
            assertTrue(Experiments.judges(id), id + " has an experiment that records its tables");
        }
    }
}

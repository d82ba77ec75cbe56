package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.compare.ComparedRun;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import lab.loopback.workbench.Experiments;
import lab.loopback.workbench.Rejudge;
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

    /**
     * The reference run these tests know the contents of (its SEC-1 capture, its PATH-2 timings), made before six
     * experiments recorded their rule's facts; newer reference runs are rejudged by the first test alone.
     */
    static final String FIXTURE = "amd-epyc-2c-linux6.18-c4e365";

    private static Path fixture() {
        return references().stream()
                .filter(p -> p.getFileName().toString().equals(FIXTURE))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("the fixture reference run data/reference/" + FIXTURE + " is gone"));
    }

    /** The claims whose experiment records its rule's facts since after the fixture reference run was made. */
    static final Set<String> FACTS_SINCE_REFERENCE = Set.of("HIST-2", "URING-3", "TRIG-1", "TRIG-2", "SEC-4");

    private static boolean judged(ClaimVerdict v) {
        return v.verdict() != Verdict.NOT_TESTABLE_HERE && v.verdict() != Verdict.NOT_YET_MEASURED;
    }

    /** Whether {@code run} ran in a guest ({@code ./lab run --kernel}): its host.json names one. */
    private static boolean guest(Path run) {
        try {
            return RunStore.JSON.readTree(run.resolve("host.json").toFile()).hasNonNull("guest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyReferenceRunRejudgedGivesItsRecordedVerdicts() {
        for (Path ref : references()) {
            Rejudge.Result r = Rejudge.of(ref, LEDGER, "test");
            Set<String> carried = new TreeSet<>();
            for (Rejudge.Entry e : r.entries()) {
                if (e.how() != Rejudge.How.CARRIED || !judged(e.recorded())) continue;
                carried.add(e.claim());
                assertTrue(
                        e.why().contains("predates table 'facts-" + e.claim().toLowerCase(Locale.ROOT) + "'"), e.why());
            }
            boolean fixture = ref.getFileName().toString().equals(FIXTURE);
            // a run made today records every rule's facts: only the fixture is old enough to carry some
            assertEquals(
                    fixture ? new TreeSet<>(FACTS_SINCE_REFERENCE) : Set.of(), carried, ref + ": carried, saying why");
            long judged =
                    RunStore.verdicts(ref).stream().filter(RejudgeTest::judged).count();
            assertEquals(judged - carried.size(), r.rejudged(), ref + ": every other rule applied");
            // a host's reference run judged every claim; a guest's, those of the kernel's testimony its kernel could
            if (!guest(ref))
                assertEquals(RecordedRules.ALL.size(), judged, ref + ": a host's reference run judges every claim");
            assertEquals(
                    List.of(), r.changed().stream().map(Rejudge.Entry::describe).toList(), ref.toString());
            if (fixture)
                assertTrue(
                        r.describe()
                                .contains("  carried SEC-4: the run predates table 'facts-sec-4' of routes-and-nat"),
                        r.describe());
        }
    }

    /** LabRun's own check: a verdict that is not what its rule says of the recorded tables is named, with both sides. */
    @Test
    void aVerdictItsRuleWouldNotGiveIsADisagreement() {
        Path ref = fixture();
        ClaimVerdict recorded = RunStore.verdicts(ref).stream()
                .filter(v -> v.claim().equals("PATH-2"))
                .findFirst()
                .orElseThrow();
        assertEquals(null, Rejudge.disagreement(LEDGER.claim("PATH-2"), recorded, ref));
        Verdict other = recorded.verdict() == Verdict.REFUTED ? Verdict.SUPPORTED : Verdict.REFUTED;
        ClaimVerdict wrong = new ClaimVerdict(
                recorded.claim(),
                other,
                recorded.summary(),
                recorded.measured(),
                null,
                null,
                recorded.claimed(),
                recorded.unit(),
                recorded.evidence(),
                recorded.host());
        String why = Rejudge.disagreement(LEDGER.claim("PATH-2"), wrong, ref);
        assertTrue(
                why != null
                        && why.startsWith("PATH-2 was judged " + other)
                        && why.contains("its rule over the tables this run recorded says " + recorded.verdict()),
                why);
        ClaimVerdict untested = ClaimVerdict.notTestable(LEDGER.claim("PATH-2"), Lack.TRACEFS, "no tracefs here", "h");
        assertEquals(
                null, Rejudge.disagreement(LEDGER.claim("PATH-2"), untested, ref), "nothing judged, nothing to check");
    }

    @Test
    void everyClaimHasARuleOverRecordedTables() {
        assertEquals(
                new TreeSet<>(LEDGER.claims().stream().map(Claim::id).toList()),
                new TreeSet<>(RecordedRules.ALL.keySet()));
    }

    @Test
    void rejudgedVerdictsGoBesideTheRunsOwnWhichStayAsTheyWere(@TempDir Path tmp) throws IOException {
        Path run = copy(fixture(), tmp.resolve("run"));
        byte[] before = Files.readAllBytes(run.resolve("verdicts.json"));
        Path written = Rejudge.write(Rejudge.of(run, LEDGER, "commit test"));
        assertEquals(run.resolve(Rejudge.FILE), written);
        assertArrayEquals(
                before, Files.readAllBytes(run.resolve("verdicts.json")), "the recorded verdicts are history");
        var doc = RunStore.JSON.readTree(written.toFile());
        assertEquals("commit test", doc.get("rules").asText());
        assertEquals(LEDGER.claims().size(), doc.get("verdicts").size());
        assertEquals(
                RecordedRules.ALL.size() - FACTS_SINCE_REFERENCE.size(),
                doc.get("rejudged").size());
        assertEquals(FACTS_SINCE_REFERENCE.size(), doc.get("carried").size());
        assertTrue(doc.get("carried").get(0).get("why").asText().contains("predates table"), doc.toString());
    }

    /** A run that records the facts is rejudged from them: change the facts, and the verdict follows. */
    @Test
    void aClaimJudgedOnRecordedFactsFollowsThem(@TempDir Path tmp) throws IOException {
        Path run = copy(fixture(), tmp.resolve("run"));
        Path facts = run.resolve("routes-and-nat/facts-sec-4.csv");
        ClaimVerdict recorded = RunStore.verdicts(run).stream()
                .filter(v -> v.claim().equals("SEC-4"))
                .findFirst()
                .orElseThrow();
        Files.writeString(facts, "routed,lookups,nat_rewrote\nfalse,0,false\n");
        assertEquals(Verdict.SUPPORTED, sec4(recorded, run), "nothing routed, no lookup, no NAT");
        Files.writeString(facts, "routed,lookups,nat_rewrote\nfalse,5,false\n");
        assertEquals(Verdict.REFUTED, sec4(recorded, run), "five lookups");
    }

    private static Verdict sec4(ClaimVerdict recorded, Path run) {
        return Rejudge.apply(RecordedRules.ALL.get("SEC-4"), LEDGER.claim("SEC-4"), recorded, run, "test")
                .verdict();
    }

    @Test
    void aChangedTableChangesTheVerdictAndIsNamed(@TempDir Path tmp) throws IOException {
        Path run = copy(fixture(), tmp.resolve("run"));
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

    /** ./lab rejudge --adopt: a reference run takes today's verdicts of the changed claims, and then agrees with itself. */
    @Test
    void adoptingMakesTodaysVerdictTheRunsOwnInBothVerdictFiles(@TempDir Path tmp) throws IOException {
        Path run = copy(fixture(), tmp.resolve("run"));
        Path capture = run.resolve("tls-cost/capture.csv");
        Files.writeString(capture, Files.readString(capture).replace("clear,16,true", "clear,16,false"));
        List<Path> written = Rejudge.adopt(Rejudge.of(run, LEDGER, "commit test"));
        assertEquals(
                List.of(run.resolve("verdicts.json"), run.resolve("tls-cost/verdicts.json")),
                written,
                "the changed claim's files only");
        for (Path f : written) {
            ClaimVerdict sec1 =
                    RunStore.readJson(f, new com.fasterxml.jackson.core.type.TypeReference<List<ClaimVerdict>>() {})
                            .stream()
                            .filter(v -> v.claim().equals("SEC-1"))
                            .findFirst()
                            .orElseThrow();
            assertEquals(Verdict.SUPPORTED, sec1.verdict(), f.toString());
            assertTrue(sec1.evidence().contains(TlsCost.RULE.evidence()), "today's rule line: " + sec1.evidence());
            assertTrue(
                    sec1.evidence().stream().anyMatch(l -> l.startsWith("rule of the run: ")),
                    "the run's own rule line kept, marked: " + sec1.evidence());
        }
        assertEquals(List.of(), Rejudge.of(run, LEDGER, "commit test").changed(), "adopted: nothing changes now");
        assertFalse(Files.exists(run.resolve(Rejudge.FILE)), "adopting writes no rejudged.json");
    }

    @Test
    void compareShowsRejudgedVerdictsWhenAskedAndSaysWhichRules(@TempDir Path tmp) throws IOException {
        Path run = copy(fixture(), tmp.resolve("run"));
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
        Path run = copy(fixture(), tmp.resolve("run"));
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

package lab.loopback.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.Profile;
import lab.loopback.result.Outcome;
import org.junit.jupiter.api.Test;

/** "Judged where judgeable": which NOT_TESTABLE_HERE verdicts a host could have judged, and the strict notebook gate on them. */
class HostAbilitiesTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();
    private static final HostAbilities ROOT_WITH_TRACEFS =
            new HostAbilities(EnumSet.of(Lack.ROOT, Lack.TRACEFS, Lack.NAMESPACES));
    private static final HostAbilities HOSTED_USER = new HostAbilities(EnumSet.of(Lack.IO_URING));

    private static ClaimVerdict unjudged(String id, Lack lack) {
        return ClaimVerdict.notTestable(LEDGER.claim(id), lack, "because: " + lack.what(), "test-host");
    }

    @Test
    void aLackTheHostHasWasJudgeableOneItLacksWasNot() {
        assertTrue(ROOT_WITH_TRACEFS.couldHaveJudged(Lack.TRACEFS));
        assertFalse(HOSTED_USER.couldHaveJudged(Lack.TRACEFS));
        assertFalse(ROOT_WITH_TRACEFS.couldHaveJudged(Lack.IO_URING));
        assertTrue(HOSTED_USER.couldHaveJudged(Lack.IO_URING));
    }

    @Test
    void onlyAHostWithEveryAbilityHasEvery() {
        assertTrue(new HostAbilities(HostAbilities.ABILITIES).hasEvery());
        assertFalse(ROOT_WITH_TRACEFS.hasEvery());
        EnumSet<Lack> allButOne = EnumSet.copyOf(HostAbilities.ABILITIES);
        allButOne.remove(Lack.LOCKED_MEMORY);
        assertFalse(new HostAbilities(allButOne).hasEvery(), "a hosted session's memlock limit is a restriction");
    }

    @Test
    void kernelAndHostPolicyAreNeverTheHostsFaultNoDataAndFailureAlwaysAre() {
        HostAbilities everything = new HostAbilities(EnumSet.allOf(Lack.class));
        HostAbilities nothing = new HostAbilities(EnumSet.noneOf(Lack.class));
        for (HostAbilities h : List.of(everything, nothing)) {
            assertFalse(h.couldHaveJudged(Lack.KERNEL));
            assertFalse(h.couldHaveJudged(Lack.EMULATED), "an emulated CPU is a fact of the guest, not a lack to fix");
            assertFalse(h.couldHaveJudged(Lack.HOST_POLICY));
            assertTrue(h.couldHaveJudged(Lack.NO_DATA));
            assertTrue(h.couldHaveJudged(Lack.FAILED));
        }
    }

    @Test
    void unjudgedListsOnlyWhatThisHostCouldHaveJudged() {
        List<String> out = ROOT_WITH_TRACEFS.unjudged(Stream.of(
                unjudged("PATH-3", Lack.TRACEFS), // root with tracefs: should have been judged
                unjudged("URING-1", Lack.IO_URING), // this host has no io_uring: fine
                unjudged("FAIL-4", Lack.HOST_POLICY), // one congestion control allowed: fine anywhere
                unjudged("IPC-1", Lack.NO_DATA), // measured nothing: never fine
                new ClaimVerdict(
                        "PERF-2", Verdict.REFUTED, "judged", null, null, null, null, null, List.of("x"), "h")));
        assertEquals(2, out.size(), out.toString());
        assertTrue(
                out.get(0).startsWith("PATH-3: NOT_TESTABLE_HERE for want of tracefs")
                        && out.get(0).contains("which this host has"),
                out.get(0));
        assertTrue(out.get(1).startsWith("IPC-1: NOT_TESTABLE_HERE for want of data"), out.get(1));
        assertEquals(
                List.of(),
                HOSTED_USER.unjudged(Stream.of(unjudged("PATH-3", Lack.TRACEFS), unjudged("SEC-2", Lack.ROOT))));
    }

    @Test
    void aVerdictRecordedWithoutALackIsUnjudgedWithoutCause() {
        ClaimVerdict old = new ClaimVerdict(
                "PATH-3",
                Verdict.NOT_TESTABLE_HERE,
                "an older run's reason",
                null,
                null,
                null,
                null,
                null,
                List.of(),
                "h",
                null);
        assertEquals(1, HOSTED_USER.unjudged(Stream.of(old)).size());
    }

    @Test
    void aJudgedVerdictCannotNameALackAndANotTestableOneMust() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClaimVerdict(
                        "PERF-2",
                        Verdict.REFUTED,
                        "judged",
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        "h",
                        Lack.TRACEFS));
        assertThrows(
                IllegalArgumentException.class,
                () -> ClaimVerdict.notTestable(LEDGER.claim("PERF-2"), null, "why", "h"));
        assertEquals(
                Lack.NO_DATA,
                new ClaimVerdict(
                                "PERF-2",
                                Verdict.NOT_TESTABLE_HERE,
                                "the rule found nothing",
                                null,
                                null,
                                null,
                                null,
                                null,
                                List.of(),
                                "h")
                        .lack(),
                "a rule's own NOT_TESTABLE_HERE is for want of data");
    }

    private static Experiment returning(ClaimVerdict... verdicts) {
        return new Experiment() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public List<String> claims() {
                return Stream.of(verdicts).map(ClaimVerdict::claim).toList();
            }

            @Override
            public Outcome run(RunContext ctx) {
                Outcome o = new Outcome(name());
                for (ClaimVerdict v : verdicts) o.verdict(v);
                return o;
            }
        };
    }

    /** ./lab test's notebooks: an experiment that measured nothing fails the notebook; a reader's notebook shows it. */
    @Test
    void aStrictRunFailsOnAClaimThatMeasuredNothingAReadersRunShowsIt() {
        try (RunContext ctx = new RunContext(Profile.parse("quick"), HostProbe.probe(), LEDGER, 0, m -> {})) {
            Experiment e = returning(unjudged("IPC-1", Lack.NO_DATA));
            var ex = assertThrows(Lab.UnjudgedException.class, () -> Lab.runOrExplain(e, ctx, true, true));
            assertTrue(ex.getMessage().contains("IPC-1: NOT_TESTABLE_HERE for want of data"), ex.getMessage());
            assertEquals(
                    Verdict.NOT_TESTABLE_HERE,
                    Lab.runOrExplain(e, ctx, true, false).verdict("IPC-1").verdict());
            // a kernel without the feature is no failure, strict or not
            assertEquals(
                    Lack.KERNEL,
                    Lab.runOrExplain(returning(unjudged("TRIG-2", Lack.KERNEL)), ctx, true, true)
                            .verdict("TRIG-2")
                            .lack());
        }
    }

    @Test
    void aStrictNotebookAskingForAFigureAJudgedExperimentNeverRecordedFails() {
        Outcome judged = new Outcome("fixed")
                .verdict(new ClaimVerdict(
                        "PERF-2", Verdict.REFUTED, "judged", null, null, null, null, null, List.of("x"), "h"));
        var ex = assertThrows(
                IllegalStateException.class, () -> new WithReference(judged, null, true).show("no-such-figure"));
        assertTrue(ex.getMessage().contains("'no-such-figure'"), ex.getMessage());
        assertThrows(
                IllegalStateException.class, () -> new WithReference(judged, null, true).tableOrNote("no-such-table"));
        // where the host rightly left a claim unjudged, the reader (and the strict run) may see the reference's instead
        Outcome hosted = new Outcome("fixed").verdict(unjudged("SEC-2", Lack.ROOT));
        Object shown = new WithReference(hosted, null, true).show("no-such-figure");
        assertTrue(shown.toString().startsWith("No figure 'no-such-figure' from fixed"), shown.toString());
    }
}

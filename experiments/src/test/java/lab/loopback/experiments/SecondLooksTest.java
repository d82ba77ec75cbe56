package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.Conditions;
import lab.loopback.result.Outcome;
import lab.loopback.result.RunStore;
import lab.loopback.result.ScheduleEntry;
import lab.loopback.workbench.Budget;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Experiments;
import lab.loopback.workbench.LabRun;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.SecondLooks;
import org.junit.jupiter.api.Test;

/**
 * The stopping rule of a budgeted run, on recorded runs of FAIL-5 (blocking-modes): where the first pass decided the
 * verdict, no more rounds; where a comparison the rule reads stayed undecided and left the verdict undecided, a second
 * look — taken only while its estimate fits the budget. The clock is the test's own: nothing here is timed.
 */
class SecondLooksTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();
    /**
     * A standard run whose FAIL-5 stayed undecided: the busy-retry sender against blocking 1.10× [0.99, 1.24], neither
     * shown slower, nor slower in a quarter of its rounds, nor shown the same.
     */
    private static final Path UNDECIDED = Path.of("../data/reference/amd-epyc-2c-linux6.18-c4e365");
    /** A quick run whose FAIL-5 was decided (a mixed pairing measurably slower). */
    private static final Path DECIDED = RuleStabilityTest.ROOT.resolve("amd-epyc-2c-linux6.18-9ff7f7/run-1");

    private static final Experiment BLOCKING_MODES = Experiments.forClaim("FAIL-5");

    /**
     * blocking-modes' first pass as a run would have seen it: today's verdict from the recorded tables, the rounds, and
     * the comparisons FAIL-5's rule reads that the recorded trials leave undecided.
     */
    static LabRun.Pass firstPass(Path run, double seconds) {
        Recorded r = new Recorded(LEDGER.claim("FAIL-5"), null, RunStore.load(run, BLOCKING_MODES.name()), run);
        List<Conditions.Trial> trials = Conditions.recordedTrials(r);
        Verdict v = RecordedVerdicts.today(run, "FAIL-5");
        Outcome o = new Outcome(BLOCKING_MODES.name())
                .verdict(ClaimVerdict.judged(LEDGER.claim("FAIL-5"), v, "test")
                        .summary("as recorded")
                        .build());
        List<String> open = BlockingModes.open(trials);
        return new LabRun.Pass(BLOCKING_MODES, o, seconds, Conditions.roundsTaken(trials), open, null);
    }

    /** A clock the test moves by hand. */
    private static final class Clock {
        final AtomicLong nanos = new AtomicLong();

        void advance(double seconds) {
            nanos.addAndGet((long) (seconds * 1e9));
        }

        Budget budget(Duration limit) {
            return new Budget(limit, nanos::get);
        }
    }

    @Test
    void aDecidedVerdictGetsNoMoreRounds() {
        LabRun.Pass pass = firstPass(DECIDED, 30);
        assertEquals(Verdict.PARTLY_TRUE, pass.outcome().verdicts().getFirst().verdict());
        SecondLooks.Decision next = SecondLooks.decide(pass, new Clock().budget(Duration.ofHours(1)));
        assertFalse(next.secondLook(), next.why());
        List<ScheduleEntry> schedule = new ArrayList<>(List.of(pass.entry(ScheduleEntry.FIRST, next)));
        SecondLooks.take(schedule, new Clock().budget(null), e -> {
            throw new AssertionError("a decided experiment was measured again");
        });
        assertEquals(1, schedule.size());
    }

    @Test
    void anUndecidedVerdictGetsASecondLookWhenTheBudgetAllows() {
        LabRun.Pass pass = firstPass(UNDECIDED, 40);
        assertEquals(
                Verdict.HOST_DEPENDENT, pass.outcome().verdicts().getFirst().verdict());
        assertFalse(pass.undecided().isEmpty(), "the recorded trials leave a mixing comparison undecided");
        Clock clock = new Clock();
        Budget budget = clock.budget(Duration.ofSeconds(300));
        SecondLooks.Decision next = SecondLooks.decide(pass, budget);
        assertTrue(next.secondLook() && next.why().contains("FAIL-5"), next.why());
        clock.advance(200); // the first passes took 200 s: the second look's estimate, 2 × 40 s, fits in 100 s
        List<ScheduleEntry> schedule = new ArrayList<>(List.of(pass.entry(ScheduleEntry.FIRST, next)));
        List<String> looked = new ArrayList<>();
        SecondLooks.take(schedule, budget, e -> {
            looked.add(e.experiment());
            clock.advance(70);
            // the second look's rounds decided it (the first pass's outcome of the decided run stands in)
            return new LabRun.Pass(
                    BLOCKING_MODES, firstPass(DECIDED, 70).outcome(), 70, 2 * pass.rounds(), List.of(), null);
        });
        assertEquals(List.of(BLOCKING_MODES.name()), looked);
        assertEquals(2, schedule.size());
        assertEquals(ScheduleEntry.SECOND, schedule.get(1).pass());
        assertEquals(2 * pass.rounds(), schedule.get(1).rounds(), "twice the planned rounds");
        assertEquals("decided", schedule.get(1).decision());
        assertFalse(schedule.get(1).secondLook(), "there is no third look");
    }

    @Test
    void theBudgetIsHonouredAndTheVerdictStaysUndecided() {
        LabRun.Pass pass = firstPass(UNDECIDED, 40);
        Clock clock = new Clock();
        Budget budget = clock.budget(Duration.ofSeconds(300));
        List<ScheduleEntry> schedule =
                new ArrayList<>(List.of(pass.entry(ScheduleEntry.FIRST, SecondLooks.decide(pass, budget))));
        clock.advance(230); // 70 s left; the second look would take ~80 s
        SecondLooks.take(schedule, budget, e -> {
            throw new AssertionError("a second look beyond the budget was taken");
        });
        assertEquals(1, schedule.size());
        String decision = schedule.getFirst().decision();
        assertTrue(decision.startsWith("no second look: it would take ~80 s and the budget has 70 s left"), decision);
        assertFalse(schedule.getFirst().secondLook(), "the look asked for was declined");
        // no budget at all: every second look asked for is taken
        Clock unbounded = new Clock();
        Budget none = unbounded.budget(null);
        List<ScheduleEntry> all =
                new ArrayList<>(List.of(pass.entry(ScheduleEntry.FIRST, SecondLooks.decide(pass, none))));
        unbounded.advance(1e6);
        SecondLooks.take(all, none, e -> firstPass(UNDECIDED, 80));
        assertEquals(2, all.size());
        assertTrue(
                all.get(1).decision().startsWith("FAIL-5 still undecided after 2 looks"),
                all.get(1).decision());
    }

    @Test
    void aFailedFirstPassOrAFixedPlanAsksForNothing() {
        LabRun.Pass undecided = firstPass(UNDECIDED, 40);
        Budget budget = new Clock().budget(null);
        LabRun.Pass failed = new LabRun.Pass(
                BLOCKING_MODES, undecided.outcome(), 1, 0, List.of(), "blocking-modes failed: no tracefs");
        assertEquals(
                new SecondLooks.Decision(false, "none: the experiment failed"), SecondLooks.decide(failed, budget));
        LabRun.Pass fixed = new LabRun.Pass(BLOCKING_MODES, undecided.outcome(), 1, 0, List.of(), null);
        SecondLooks.Decision none = SecondLooks.decide(fixed, budget);
        assertFalse(none.secondLook());
        assertTrue(none.why().startsWith("none: a fixed plan"), none.why());
    }

    @Test
    void budgetsAreReadAsDurationsAndABadOneIsNamed() {
        assertEquals(Duration.ofMinutes(15), Budget.parse("15m"));
        assertEquals(Duration.ofMinutes(15), Budget.parse("900s"));
        assertEquals(Duration.ofMinutes(90), Budget.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), Budget.parse("90"));
        assertEquals(null, Budget.parse("none"));
        for (String bad : List.of("15x", "", "m", "-5m", "1.5h")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Budget.parse(bad));
            assertTrue(
                    e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("allowed"), e.getMessage());
        }
        var zero = assertThrows(IllegalArgumentException.class, () -> Budget.parse("0s"));
        assertTrue(zero.getMessage().contains("zero"), zero.getMessage());
        Clock clock = new Clock();
        Budget b = clock.budget(Duration.ofSeconds(100));
        clock.advance(40);
        assertTrue(b.fits(60) && !b.fits(60.5));
        assertEquals("40 s of 100 s, 60 s left", b.describe());
    }
}

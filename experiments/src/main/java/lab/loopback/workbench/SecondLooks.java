package lab.loopback.workbench;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.Outcome;
import lab.loopback.result.ScheduleEntry;

/**
 * The stopping rule of a run: after its first pass, an experiment gets a second look only when a comparison its rules
 * read is undecided (neither shown apart nor shown the same) and one of its claims is undecided because of it; the run
 * takes second looks after every first pass, each only if its estimate fits in the budget left. A second look measures
 * {@link #LOOKS} times the planned rounds afresh; every look's intervals are at 1 − 5 % ÷ LOOKS, so the
 * verdict covers with at least 95 % whichever look it came from (Bonferroni over the looks).
 */
public final class SecondLooks {
    /** The most looks a comparison gets: the first pass and one second look. */
    public static final int LOOKS = 2;

    private SecondLooks() {}

    /** What the run does after a pass: take a second look or not, and why, in words for the schedule. */
    public record Decision(boolean secondLook, String why) {
        static Decision none(String why) {
            return new Decision(false, why);
        }
    }

    /** What the run does after an experiment's first pass; the budget is asked only when the second looks begin. */
    public static Decision decide(LabRun.Pass pass, Budget budget) {
        if (pass.failure() != null) return Decision.none("none: the experiment failed");
        if (pass.rounds() == 0) return Decision.none("none: a fixed plan, no interleaved rounds to add");
        if (pass.undecided().isEmpty()) return Decision.none("none: every comparison the rules read is decided");
        List<String> open = undecidedClaims(pass.outcome());
        if (open.isEmpty())
            return Decision.none("none: " + String.join(", ", pass.undecided())
                    + " undecided, but no verdict turns on it (every claim is decided)");
        return new Decision(
                true,
                "second look: " + String.join(", ", open) + " undecided (" + String.join(", ", pass.undecided()) + ")"
                        + (budget.limitSeconds() == null ? "" : ", if the budget allows"));
    }

    /** Claims of the outcome that a rule left undecided on this host. */
    static List<String> undecidedClaims(Outcome o) {
        return o.verdicts().stream()
                .filter(v -> v.verdict() == Verdict.HOST_DEPENDENT)
                .map(ClaimVerdict::claim)
                .toList();
    }

    /**
     * The second looks the first passes of {@code schedule} asked for, in run order, each taken by {@code look} only if
     * its estimate fits in what the budget has left, else recorded as declined; each look taken adds its entry.
     */
    public static void take(List<ScheduleEntry> schedule, Budget budget, Function<ScheduleEntry, LabRun.Pass> look) {
        for (ScheduleEntry entry : List.copyOf(schedule)) {
            if (!entry.pass().equals(ScheduleEntry.FIRST) || !entry.secondLook()) continue;
            double estimate = estimate(entry);
            if (!budget.fits(estimate)) {
                schedule.set(schedule.indexOf(entry), declined(entry, estimate, budget));
                continue;
            }
            LabRun.Pass second = look.apply(entry);
            schedule.add(second.entry(ScheduleEntry.SECOND, Decision.none(after(second))));
        }
    }

    /**
     * Seconds a second look is expected to take: LOOKS times the first pass (twice the rounds; the traced transfers and
     * set-up again, which the first pass also had).
     */
    static double estimate(ScheduleEntry first) {
        return first.seconds() * LOOKS;
    }

    /** The first pass's entry, its decision now: no second look, for want of budget (the look it asked for, declined). */
    static ScheduleEntry declined(ScheduleEntry first, double estimate, Budget budget) {
        return new ScheduleEntry(
                first.experiment(),
                first.claims(),
                first.pass(),
                first.seconds(),
                first.rounds(),
                first.undecided(),
                String.format(
                        Locale.ROOT,
                        "no second look: it would take ~%.0f s and the budget has %.0f s left (%s); the verdict stays undecided, with its interval",
                        estimate,
                        Math.max(0, budget.remainingSeconds()),
                        budget.describe()),
                false);
    }

    /** What a second look ended with: there is no third. */
    static String after(LabRun.Pass second) {
        if (second.failure() != null) return second.failure() + "; the first pass's outcome and verdicts stand";
        List<String> open = undecidedClaims(second.outcome());
        return open.isEmpty()
                ? "decided"
                : String.join(", ", open) + " still undecided after " + LOOKS
                        + " looks (the most a run takes): the verdict says so, with its interval";
    }

    /** The second look's outcome, with the first look's trials beside its own (table first-look-trials). */
    static Outcome keepingFirst(Outcome second, Outcome first) {
        var trials = first.tables().get("trials");
        if (trials != null) second.table("first-look-trials", trials.copy().setName("first-look-trials"));
        return second;
    }
}

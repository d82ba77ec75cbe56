package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;

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
     * Today's rules applied to the tables {@code run} just recorded give the verdicts and measured values it decided
     * while measuring: the rule that judged the run is the rule {@code ./lab rejudge} applies.
     */
    static void rejudgingReproduces(Path run) {
        Rejudge.Result r = Rejudge.of(run, ClaimLedger.bundled(), "the working tree");
        assertTrue(r.rejudged() > 0, "no claim of " + run + " was rejudged: " + r.describe());
        assertEquals(List.of(), r.changed().stream().map(Rejudge.Entry::claim).toList(), r.describe());
    }
}

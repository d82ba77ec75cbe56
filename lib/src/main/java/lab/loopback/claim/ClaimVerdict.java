package lab.loopback.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * A verdict as verdicts.json carries it: claim id, verdict, one plain sentence, the measured value with its
 * interval, the claimed value, the unit, the evidence (files and facts, kernel testimony first) and the host.
 */
@JsonPropertyOrder({"claim", "verdict", "summary", "measured", "measuredLow", "measuredHigh", "claimed", "unit", "evidence", "host"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClaimVerdict(String claim, Verdict verdict, String summary, Double measured, Double measuredLow,
                           Double measuredHigh, Double claimed, String unit, List<String> evidence, String host) {

    public ClaimVerdict {
        if (claim == null || claim.isBlank()) throw new IllegalArgumentException("a verdict needs a claim id");
        if (verdict == null) throw new IllegalArgumentException("verdict of " + claim + " is missing");
        if (summary == null || summary.isBlank()) throw new IllegalArgumentException("verdict of " + claim + " needs a summary sentence");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public static ClaimVerdict notTestable(Claim c, String reason, String host) {
        return new ClaimVerdict(c.id(), Verdict.NOT_TESTABLE_HERE, reason, null, null, null, c.claimed(), c.unit(), List.of(reason), host);
    }

    public static ClaimVerdict notYetMeasured(Claim c, String host) {
        return new ClaimVerdict(c.id(), Verdict.NOT_YET_MEASURED, "No experiment of this workbench judges this claim yet.",
                null, null, null, c.claimed(), c.unit(), List.of(), host);
    }
}

package lab.loopback.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A verdict as verdicts.json carries it: claim id, verdict, one plain sentence, the measured value with its
 * interval, the claimed value, the unit, the evidence (files and facts, kernel testimony first) and the host.
 */
@JsonPropertyOrder({
    "claim",
    "verdict",
    "summary",
    "measured",
    "measuredLow",
    "measuredHigh",
    "claimed",
    "unit",
    "evidence",
    "host",
    "lack"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClaimVerdict(
        String claim,
        Verdict verdict,
        String summary,
        Double measured,
        Double measuredLow,
        Double measuredHigh,
        Double claimed,
        String unit,
        List<String> evidence,
        String host,
        @JsonInclude(JsonInclude.Include.NON_NULL) Lack lack) {

    public ClaimVerdict {
        if (claim == null || claim.isBlank()) throw new IllegalArgumentException("a verdict needs a claim id");
        if (verdict == null) throw new IllegalArgumentException("verdict of " + claim + " is missing");
        if (summary == null || summary.isBlank())
            throw new IllegalArgumentException("verdict of " + claim + " needs a summary sentence");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        if (lack != null && verdict != Verdict.NOT_TESTABLE_HERE)
            throw new IllegalArgumentException(claim + " is " + verdict + ": only NOT_TESTABLE_HERE names a lack");
    }

    /**
     * A rule's verdict: judged, or NOT_TESTABLE_HERE because the rule found nothing to judge in what was measured
     * ({@link Lack#NO_DATA}); a host that lacked an ability says which through {@link #notTestable}.
     */
    public ClaimVerdict(
            String claim,
            Verdict verdict,
            String summary,
            Double measured,
            Double measuredLow,
            Double measuredHigh,
            Double claimed,
            String unit,
            List<String> evidence,
            String host) {
        this(
                claim,
                verdict,
                summary,
                measured,
                measuredLow,
                measuredHigh,
                claimed,
                unit,
                evidence,
                host,
                verdict == Verdict.NOT_TESTABLE_HERE ? Lack.NO_DATA : null);
    }

    /** Not judged here for want of {@code lack}, which {@code reason} explains. */
    public static ClaimVerdict notTestable(Claim c, Lack lack, String reason, String host) {
        if (lack == null)
            throw new IllegalArgumentException(c.id() + ": a NOT_TESTABLE_HERE verdict names what the host lacked");
        return new ClaimVerdict(
                c.id(),
                Verdict.NOT_TESTABLE_HERE,
                reason,
                null,
                null,
                null,
                c.claimed(),
                c.unit(),
                List.of(reason),
                host,
                lack);
    }

    public static ClaimVerdict notYetMeasured(Claim c, String host) {
        return new ClaimVerdict(
                c.id(),
                Verdict.NOT_YET_MEASURED,
                "No experiment of this workbench judges this claim yet.",
                null,
                null,
                null,
                c.claimed(),
                c.unit(),
                List.of(),
                host);
    }
}

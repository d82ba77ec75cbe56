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

    /**
     * A judged verdict of {@code c}, built by name: its claimed value and unit come from the ledger (a value or unit
     * given to the builder is used only where the ledger has none).
     */
    public static Builder judged(Claim c, Verdict verdict, String host) {
        return new Builder(c, verdict, host);
    }

    public static final class Builder {
        private final Claim claim;
        private final Verdict verdict;
        private final String host;
        private String summary;
        private Double measured, low, high, claimed;
        private String unit;
        private List<String> evidence = List.of();

        private Builder(Claim claim, Verdict verdict, String host) {
            if (claim == null) throw new IllegalArgumentException("a verdict needs its claim");
            this.claim = claim;
            this.verdict = verdict;
            this.host = host;
        }

        /** The one plain sentence a reader sees first. */
        public Builder summary(String sentence) {
            this.summary = sentence;
            return this;
        }

        /** The measured value; {@code unit} names it where the ledger gives the claim none. */
        public Builder measured(Double value, String unit) {
            this.measured = value;
            this.unit = unit;
            return this;
        }

        /** The measured value's interval. */
        public Builder interval(Double low, Double high) {
            this.low = low;
            this.high = high;
            return this;
        }

        /** The claimed value to show beside the measured one, where the ledger gives none. */
        public Builder claimed(Double value) {
            this.claimed = value;
            return this;
        }

        /** The files and facts the verdict rests on, the kernel's own testimony first. */
        public Builder evidence(List<String> lines) {
            this.evidence = lines;
            return this;
        }

        public ClaimVerdict build() {
            return new ClaimVerdict(
                    claim.id(),
                    verdict,
                    summary,
                    measured,
                    low,
                    high,
                    claim.claimed() != null ? claim.claimed() : claimed,
                    claim.unit() != null ? claim.unit() : unit,
                    evidence,
                    host);
        }
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
        return unmeasured(c, "No experiment of this workbench judges this claim yet.", host);
    }

    /** A claim an experiment judges but this run did not select ({@code --only}). */
    public static ClaimVerdict notSelected(Claim c, String host) {
        return unmeasured(c, "Not selected in this run (--only).", host);
    }

    private static ClaimVerdict unmeasured(Claim c, String why, String host) {
        return new ClaimVerdict(
                c.id(), Verdict.NOT_YET_MEASURED, why, null, null, null, c.claimed(), c.unit(), List.of(), host);
    }
}

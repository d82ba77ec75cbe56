package lab.loopback.rule;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.Verdict;

/**
 * A claim's rule as data: verdicts tried in order, each with the {@link Condition} that gives it, and the verdict when
 * none holds. It decides and it describes itself from the same conditions, so the "rule: …" line of a verdict's
 * evidence and {@code ./lab explain} say exactly what decided.
 */
public final class Rule<F> {
    private record Case<F>(Verdict verdict, Condition<F> when) {}

    private final String claim;
    private final List<Case<F>> cases;
    private final Verdict otherwise;
    private final String note;

    private Rule(String claim, List<Case<F>> cases, Verdict otherwise, String note) {
        this.claim = claim;
        this.cases = List.copyOf(cases);
        this.otherwise = otherwise;
        this.note = note;
    }

    /** Starts the rule of {@code claim} (a ledger id). */
    public static <F> Builder<F> forClaim(String claim) {
        if (claim == null || claim.isBlank()) throw new IllegalArgumentException("a rule names its claim id");
        return new Builder<>(claim);
    }

    /**
     * The rule of a topic the article only promises to write about: it gives no truth value ({@link Verdict#EXPLORED});
     * {@code finding} says what the data is asked, and the experiment reports the answer beside the data.
     */
    public static <F> Rule<F> topic(String claim, String finding) {
        return Rule.<F>forClaim(claim)
                .because("a topic, not a claim: the data and the finding are shown, no truth value; the finding: "
                        + finding)
                .otherwise(Verdict.EXPLORED);
    }

    /** How a rule's line in a verdict's evidence starts. */
    public static final String EVIDENCE = "rule: ";

    public String claim() {
        return claim;
    }

    public Verdict judge(F facts) {
        for (Case<F> c : cases) if (c.when().holds(facts)) return c.verdict();
        return otherwise;
    }

    /** "SUPPORTED when …; PARTLY_TRUE when …; REFUTED otherwise", then the note saying why, if any. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Case<F> c : cases)
            b.append(c.verdict()).append(" when ").append(c.when().describe()).append("; ");
        b.append(otherwise).append(cases.isEmpty() ? " always" : " otherwise");
        if (note != null) b.append(" (").append(note).append(')');
        return b.toString();
    }

    /** The line a verdict's evidence carries. */
    public String evidence() {
        return EVIDENCE + describe();
    }

    /** Every limit the rule compares with, each once. */
    public List<Threshold> thresholds() {
        List<Threshold> out = new ArrayList<>();
        for (Case<F> c : cases) for (Threshold t : c.when().thresholds()) if (!out.contains(t)) out.add(t);
        return List.copyOf(out);
    }

    public static final class Builder<F> {
        private final String claim;
        private final List<Case<F>> cases = new ArrayList<>();
        private String note;

        private Builder(String claim) {
            this.claim = claim;
        }

        /** {@code verdict} when {@code condition} holds and no earlier case did. */
        public Builder<F> when(Verdict verdict, Condition<F> condition) {
            if (verdict == null || condition == null)
                throw new IllegalArgumentException(claim + ": a case needs a verdict and a condition");
            if (verdict == Verdict.NOT_YET_MEASURED)
                throw new IllegalArgumentException(claim + ": a rule never decides NOT_YET_MEASURED");
            cases.add(new Case<>(verdict, condition));
            return this;
        }

        /** Why the rule reads the claim this way — a reason, never a restatement of the conditions. */
        public Builder<F> because(String why) {
            this.note = why;
            return this;
        }

        public Rule<F> otherwise(Verdict verdict) {
            if (verdict == null) throw new IllegalArgumentException(claim + ": a rule needs a verdict for 'otherwise'");
            return new Rule<>(claim, cases, verdict, note);
        }
    }
}

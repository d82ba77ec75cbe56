package lab.loopback.workbench;

import java.util.function.Function;
import lab.loopback.claim.Verdict;
import lab.loopback.rule.Rule;

/**
 * A claim's rule applied to what a run recorded ({@link Recorded}): it never measures, never reads the clock, never
 * touches the host, so the same tables give the same verdict on any machine, any day.
 */
@FunctionalInterface
public interface RecordedRule {
    /**
     * The verdict, the measured value ({@code null}: this rule computes none), the inputs it decided on, in words, and
     * the measured value's unit ({@code null}: the one the run recorded).
     */
    public record Judgement(Verdict verdict, Double measured, String inputs, String unit) {
        public Judgement(Verdict verdict, Double measured, String inputs) {
            this(verdict, measured, inputs, null);
        }
    }

    Judgement judge(Recorded r);

    /**
     * The rule over the facts its experiment recorded ({@link Recorded#facts}); {@code measured} the value the verdict
     * carries, or null to keep the recorded one (a value the facts do not hold).
     */
    public static <R extends Record> RecordedRule ofFacts(Class<R> type, Rule<R> rule, Function<R, Double> measured) {
        return r -> {
            R f = r.facts(type);
            return new Judgement(rule.judge(f), measured.apply(f), f.toString());
        };
    }
}

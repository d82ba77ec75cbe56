package lab.loopback.experiments;

import lab.loopback.claim.Verdict;

/**
 * A claim's rule applied to what a run recorded ({@link Recorded}): it never measures, never reads the clock, never
 * touches the host, so the same tables give the same verdict on any machine, any day.
 */
@FunctionalInterface
public interface RecordedRule {
    /** The verdict, the measured value ({@code null}: this rule computes none) and the inputs it decided on, in words. */
    record Judgement(Verdict verdict, Double measured, String inputs) {}

    Judgement judge(Recorded r);
}

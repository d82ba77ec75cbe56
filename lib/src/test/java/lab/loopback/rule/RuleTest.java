package lab.loopback.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.loopback.claim.Verdict;
import org.junit.jupiter.api.Test;

class RuleTest {
    record Copies(double receive, double send) {}

    static final double WHOLE = 0.9, NONE = 0.1;
    static final Condition<Copies> RX_WHOLE =
            Condition.atLeast("receive copies per byte", Copies::receive, WHOLE, Shown.PLAIN);
    static final Rule<Copies> RULE = Rule.<Copies>forClaim("X-1")
            .when(
                    Verdict.REFUTED,
                    RX_WHOLE.or(Condition.atLeast("send copies per byte", Copies::send, WHOLE, Shown.PLAIN)))
            .when(
                    Verdict.SUPPORTED,
                    Condition.atMost("receive copies per byte", Copies::receive, NONE, Shown.PLAIN)
                            .orUnmeasured()
                            .and(Condition.atMost("send copies per byte", Copies::send, NONE, Shown.PLAIN)
                                    .orUnmeasured()))
            .because("a copy is a copy on either side")
            .otherwise(Verdict.PARTLY_TRUE);

    @Test
    void decidesInOrderOnBothSidesOfEachLimit() {
        assertEquals(Verdict.REFUTED, RULE.judge(new Copies(0.9, 0)));
        assertEquals(Verdict.PARTLY_TRUE, RULE.judge(new Copies(0.8999, 0)));
        assertEquals(Verdict.REFUTED, RULE.judge(new Copies(0, 0.95)));
        assertEquals(Verdict.SUPPORTED, RULE.judge(new Copies(0.1, 0.1)));
        assertEquals(Verdict.PARTLY_TRUE, RULE.judge(new Copies(0.1001, 0.1)));
        assertEquals(Verdict.SUPPORTED, RULE.judge(new Copies(Double.NaN, 0.05)), "an unmeasured side does not block");
        assertEquals(Verdict.PARTLY_TRUE, RULE.judge(new Copies(Double.NaN, 0.5)));
    }

    @Test
    void describesItselfFromTheLimitsItDecidesWith() {
        assertEquals(
                "REFUTED when receive copies per byte ≥ 0.9 or send copies per byte ≥ 0.9; "
                        + "SUPPORTED when receive copies per byte ≤ 0.1 (or unmeasured) and send copies per byte ≤ 0.1 (or unmeasured); "
                        + "PARTLY_TRUE otherwise (a copy is a copy on either side)",
                RULE.describe());
        assertTrue(RULE.evidence().startsWith("rule: REFUTED when"));
        assertEquals(
                List.of(
                        "receive copies per byte ≥ 0.9",
                        "send copies per byte ≥ 0.9",
                        "receive copies per byte ≤ 0.1",
                        "send copies per byte ≤ 0.1"),
                RULE.thresholds().stream().map(Threshold::toString).toList());
    }

    @Test
    void aTopicHasNoTruthValueAndSaysWhatItAsks() {
        Rule<Double> topic = Rule.topic("MORE-9", "whether x > 1");
        assertEquals(Verdict.EXPLORED, topic.judge(0.0));
        assertEquals(Verdict.EXPLORED, topic.judge(5.0));
        assertTrue(topic.describe().startsWith("EXPLORED always (a topic, not a claim"), topic.describe());
        assertTrue(topic.describe().endsWith("the finding: whether x > 1)"), topic.describe());
    }

    @Test
    void nestedKindsAreParenthesised() {
        Condition<Double> a = Condition.above("x", d -> d, 1, Shown.PLAIN),
                b = Condition.below("x", d -> d, 3, Shown.PLAIN);
        Condition<Double> f = Condition.fact("it is Tuesday", d -> true);
        assertEquals("x > 1 and (x < 3 or it is Tuesday)", a.and(b.or(f)).describe());
        assertEquals("(x > 1 and x < 3) or it is Tuesday", a.and(b).or(f).describe());
    }

    @Test
    void formatsLimitsAsAReaderReadsThem() {
        assertEquals("95 %", Shown.PERCENT.format(0.95));
        assertEquals("1.5×", Shown.TIMES.format(1.5));
        assertEquals("0.05 copies per byte", Shown.unit(" copies per byte").format(0.05));
        assertEquals("0.3333", Shown.PLAIN.format(1 / 3.0));
        assertEquals("100000", Shown.PLAIN.format(1e5));
    }

    @Test
    void nanNeverReachesALimitUnlessUnmeasuredIsAllowed() {
        Condition<Double> c = Condition.atLeast("x", d -> d, 0, Shown.PLAIN);
        assertFalse(c.holds(Double.NaN));
        assertTrue(Condition.atMost("x", (Double d) -> d, 0, Shown.PLAIN)
                .orUnmeasured()
                .holds(Double.NaN));
    }

    @Test
    void refusesWhatCannotDecide() {
        assertThrows(IllegalArgumentException.class, () -> Condition.atLeast("", (Double d) -> d, 1, Shown.PLAIN));
        assertThrows(
                IllegalArgumentException.class, () -> Condition.atLeast("x", (Double d) -> d, Double.NaN, Shown.PLAIN));
        assertThrows(
                IllegalStateException.class,
                () -> Condition.fact("f", (Double d) -> true).orUnmeasured());
        assertThrows(IllegalArgumentException.class, () -> Rule.forClaim(" "));
        assertThrows(
                IllegalArgumentException.class,
                () -> Rule.<Double>forClaim("X").when(Verdict.NOT_YET_MEASURED, Condition.fact("f", d -> true)));
        assertEquals(
                Verdict.REFUTED,
                Rule.<Double>forClaim("X").otherwise(Verdict.REFUTED).judge(1.0));
        assertEquals(
                "REFUTED always",
                Rule.<Double>forClaim("X").otherwise(Verdict.REFUTED).describe());
    }
}

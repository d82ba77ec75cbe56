package lab.loopback.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A test of a run's facts ({@code F}) that states in words what it tests, written from the same limit it tests with,
 * so the description a reader sees and the decision cannot drift apart.
 */
public sealed interface Condition<F> {
    boolean holds(F facts);

    /** What must hold, in words: "the receiver's copies per byte ≥ 0.9". */
    String describe();

    /** The limits this condition compares with, in the order it names them. */
    List<Threshold> thresholds();

    /** {@code quantity} ≥ {@code limit}; a quantity that was not measured (NaN) does not reach it. */
    static <F> Condition<F> atLeast(String quantity, ToDoubleFunction<F> value, double limit, Shown shown) {
        return new Compare<>(quantity, value, Op.AT_LEAST, limit, shown, false);
    }

    /** {@code quantity} ≤ {@code limit}; NaN does not hold. */
    static <F> Condition<F> atMost(String quantity, ToDoubleFunction<F> value, double limit, Shown shown) {
        return new Compare<>(quantity, value, Op.AT_MOST, limit, shown, false);
    }

    /** {@code quantity} > {@code limit}; NaN does not hold. */
    static <F> Condition<F> above(String quantity, ToDoubleFunction<F> value, double limit, Shown shown) {
        return new Compare<>(quantity, value, Op.ABOVE, limit, shown, false);
    }

    /** {@code quantity} < {@code limit}; NaN does not hold. */
    static <F> Condition<F> below(String quantity, ToDoubleFunction<F> value, double limit, Shown shown) {
        return new Compare<>(quantity, value, Op.BELOW, limit, shown, false);
    }

    /** A fact that is either observed or not ("lo has no device"): the statement is what holds when it is true. */
    static <F> Condition<F> fact(String statement, Predicate<F> test) {
        return new Fact<>(statement, test);
    }

    /** {@code each} holds for at least one of the {@code rows} ("some condition: …"); none when there are no rows. */
    static <F, R> Condition<F> some(String rows, Function<F, List<R>> of, Condition<R> each) {
        return new Quantified<>(false, rows, of, each);
    }

    /** {@code each} holds for every one of the {@code rows}; vacuously true when there are none. */
    static <F, R> Condition<F> every(String rows, Function<F, List<R>> of, Condition<R> each) {
        return new Quantified<>(true, rows, of, each);
    }

    /** {@code c} tested on a part of the facts ({@code part}), described as {@code c} is. */
    static <F, G> Condition<F> on(Function<F, G> part, Condition<G> c) {
        return new On<>(part, c);
    }

    default Condition<F> and(Condition<F> other) {
        return new Both<>(this, other);
    }

    default Condition<F> or(Condition<F> other) {
        return new Either<>(this, other);
    }

    /**
     * The same comparison, holding also when the quantity was not measured (NaN): for a rule over optional sides
     * ("both sides that were measured copy at most …").
     */
    default Condition<F> orUnmeasured() {
        if (!(this instanceof Compare<F> c))
            throw new IllegalStateException("only a comparison has a quantity that can be unmeasured: " + describe());
        return new Compare<>(c.quantity(), c.value(), c.op(), c.limit(), c.shown(), true);
    }

    enum Op {
        AT_LEAST("≥"),
        AT_MOST("≤"),
        ABOVE(">"),
        BELOW("<");

        final String sign;

        Op(String sign) {
            this.sign = sign;
        }

        boolean test(double v, double limit) {
            return switch (this) {
                case AT_LEAST -> v >= limit;
                case AT_MOST -> v <= limit;
                case ABOVE -> v > limit;
                case BELOW -> v < limit;
            };
        }
    }

    record Compare<F>(
            String quantity, ToDoubleFunction<F> value, Op op, double limit, Shown shown, boolean unmeasuredHolds)
            implements Condition<F> {
        public Compare {
            if (quantity == null || quantity.isBlank())
                throw new IllegalArgumentException("a comparison names the quantity it compares");
            if (Double.isNaN(limit)) throw new IllegalArgumentException(quantity + ": the limit is NaN");
        }

        @Override
        public boolean holds(F facts) {
            double v = value.applyAsDouble(facts);
            return Double.isNaN(v) ? unmeasuredHolds : op.test(v, limit);
        }

        @Override
        public String describe() {
            return quantity + " " + op.sign + " " + shown.format(limit) + (unmeasuredHolds ? " (or unmeasured)" : "");
        }

        @Override
        public List<Threshold> thresholds() {
            return List.of(new Threshold(quantity, op.sign, limit, shown.format(limit)));
        }
    }

    record Fact<F>(String statement, Predicate<F> test) implements Condition<F> {
        public Fact {
            if (statement == null || statement.isBlank())
                throw new IllegalArgumentException("a fact states what holds when it is true");
        }

        @Override
        public boolean holds(F facts) {
            return test.test(facts);
        }

        @Override
        public String describe() {
            return statement;
        }

        @Override
        public List<Threshold> thresholds() {
            return List.of();
        }
    }

    record Both<F>(Condition<F> a, Condition<F> b) implements Condition<F> {
        @Override
        public boolean holds(F facts) {
            return a.holds(facts) && b.holds(facts);
        }

        @Override
        public String describe() {
            return part(a, Either.class) + " and " + part(b, Either.class);
        }

        @Override
        public List<Threshold> thresholds() {
            return joined(a, b);
        }
    }

    record Either<F>(Condition<F> a, Condition<F> b) implements Condition<F> {
        @Override
        public boolean holds(F facts) {
            return a.holds(facts) || b.holds(facts);
        }

        @Override
        public String describe() {
            return part(a, Both.class) + " or " + part(b, Both.class);
        }

        @Override
        public List<Threshold> thresholds() {
            return joined(a, b);
        }
    }

    record Quantified<F, R>(boolean all, String rows, Function<F, List<R>> of, Condition<R> each)
            implements Condition<F> {
        @Override
        public boolean holds(F facts) {
            List<R> rs = of.apply(facts);
            return all ? rs.stream().allMatch(each::holds) : rs.stream().anyMatch(each::holds);
        }

        @Override
        public String describe() {
            return (all ? "for every " : "for some ") + rows + ": " + each.describe();
        }

        @Override
        public List<Threshold> thresholds() {
            return each.thresholds();
        }
    }

    record On<F, G>(Function<F, G> part, Condition<G> c) implements Condition<F> {
        @Override
        public boolean holds(F facts) {
            return c.holds(part.apply(facts));
        }

        @Override
        public String describe() {
            return c.describe();
        }

        @Override
        public List<Threshold> thresholds() {
            return c.thresholds();
        }
    }

    /** A nested condition of the other kind in parentheses, so "a and (b or c)" reads as it decides. */
    private static String part(Condition<?> c, Class<?> otherKind) {
        return otherKind.isInstance(c) ? "(" + c.describe() + ")" : c.describe();
    }

    private static List<Threshold> joined(Condition<?> a, Condition<?> b) {
        List<Threshold> out = new ArrayList<>(a.thresholds());
        for (Threshold t : b.thresholds()) if (!out.contains(t)) out.add(t);
        return List.copyOf(out);
    }
}

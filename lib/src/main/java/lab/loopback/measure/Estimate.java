package lab.loopback.measure;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * A median with a distribution-free confidence interval from order statistics: [x(k), x(n+1-k)] covers the
 * true median with probability 1 - 2·P(Bin(n, ½) ≤ k-1). We take the narrowest such interval whose coverage
 * is at least 95 % (or a stated target); with fewer than 6 samples none reaches 95 % and the interval is [min, max] with its real
 * (smaller) coverage, which {@link #confidence()} reports rather than hides.
 */
public record Estimate(double median, double low, double high, double confidence, int n) {
    public static final double TARGET = 0.95;

    public static Estimate ofMedian(double... samples) {
        return ofMedianCovering(TARGET, samples);
    }

    /**
     * As {@link #ofMedian(double...)} with the narrowest interval whose coverage reaches {@code target} (e.g. 0.975 for
     * each of two looks at growing data, so that both cover together with at least 95 %).
     */
    public static Estimate ofMedianCovering(double target, double... samples) {
        if (!(target > 0 && target < 1))
            throw new IllegalArgumentException("an interval's coverage " + target + " is outside (0, 1)");
        if (samples.length == 0) throw new IllegalArgumentException("an estimate needs at least one sample");
        double[] x = samples.clone();
        Arrays.sort(x);
        int n = x.length;
        double median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
        if (n == 1) return new Estimate(median, x[0], x[0], 0, 1);
        BinomialDistribution b = new BinomialDistribution(null, n, 0.5);
        int best = 1;
        for (int k = 1; k <= n / 2; k++) {
            double coverage = 1 - 2 * b.cumulativeProbability(k - 1);
            if (coverage >= target) best = k;
            else break;
        }
        double coverage = 1 - 2 * b.cumulativeProbability(best - 1);
        return new Estimate(median, x[best - 1], x[n - best], coverage, n);
    }

    /** The median of {@code f} over {@code items} (at least one). */
    public static <T> double medianOf(List<T> items, ToDoubleFunction<T> f) {
        return ofMedian(items.stream().mapToDouble(f).toArray()).median();
    }

    /** The median of {@code f} over {@code items}, NaN values (not measured) left out; NaN when none was measured. */
    public static <T> double medianOfMeasured(List<T> items, ToDoubleFunction<T> f) {
        double[] v = items.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
        return v.length == 0 ? Double.NaN : ofMedian(v).median();
    }

    /** Whether there is an interval at all: one sample gives a median and nothing about its spread. */
    public boolean hasInterval() {
        return n >= 2;
    }

    public Double lowOrNull() {
        return hasInterval() ? low : null;
    }

    public Double highOrNull() {
        return hasInterval() ? high : null;
    }

    public Estimate scaled(double factor) {
        return new Estimate(median * factor, low * factor, high * factor, confidence, n);
    }

    /** "9.81 [9.60, 10.02] (95%, n=10)". */
    public String format(String numberFormat) {
        if (!hasInterval()) return String.format(numberFormat + " (one sample, no interval)", median);
        return String.format(
                numberFormat + " [" + numberFormat + ", " + numberFormat + "] (%.0f%%, n=%d)",
                median,
                low,
                high,
                confidence * 100,
                n);
    }

    @Override
    public String toString() {
        return format("%.3g");
    }
}

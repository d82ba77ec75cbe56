package lab.loopback.measure;

import java.util.Arrays;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * A distribution-free upper confidence bound for the {@code q}-quantile of a sample: the order statistic x(s) with
 * the smallest s such that P(x(s) > ξ_q) = P(Bin(n, q) ≤ s − 1) reaches the stated confidence. It answers "is the
 * lower quartile below a limit?" — whether a quarter of the trials or more fell below it — without assuming one mode:
 * a median sits between the clusters of a bimodal sample and flips with the share that lands in each.
 *
 * @param q the quantile, in (0, 1)
 * @param value the sample's q-quantile (the order statistic x(⌈q·n⌉))
 * @param upper the upper bound, or +∞ when n is too small for any order statistic to reach the confidence
 * @param confidence the bound's actual one-sided coverage, at least the one asked for when {@code upper} is finite
 * @param n the sample size
 */
public record QuantileBound(double q, double value, double upper, double confidence, int n) {

    /** The bound of the {@code q}-quantile of {@code samples} with one-sided coverage at least {@code confidence}. */
    public static QuantileBound upper(double q, double confidence, double... samples) {
        if (!(q > 0 && q < 1)) throw new IllegalArgumentException("a quantile " + q + " is outside (0, 1)");
        if (!(confidence > 0 && confidence < 1))
            throw new IllegalArgumentException("a bound's coverage " + confidence + " is outside (0, 1)");
        if (samples.length == 0) throw new IllegalArgumentException("a quantile bound needs at least one sample");
        double[] x = samples.clone();
        Arrays.sort(x);
        int n = x.length;
        double value = x[Math.max(0, (int) Math.ceil(q * n) - 1)];
        BinomialDistribution below = new BinomialDistribution(null, n, q);
        for (int s = 1; s <= n; s++) {
            double coverage = below.cumulativeProbability(s - 1);
            if (coverage >= confidence) return new QuantileBound(q, value, x[s - 1], coverage, n);
        }
        return new QuantileBound(q, value, Double.POSITIVE_INFINITY, 1, n);
    }

    /** Whether the whole bound lies below {@code limit}: the q-quantile is shown to be below it. */
    public boolean below(double limit) {
        return upper < limit;
    }
}

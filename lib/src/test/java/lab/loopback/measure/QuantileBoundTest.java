package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuantileBoundTest {
    /** P(Bin(n, q) ≤ k), summed here rather than taken from the library the class uses. */
    private static double binomialAtMost(int n, double q, int k) {
        double sum = 0;
        for (int i = 0; i <= k; i++) {
            double c = 1;
            for (int j = 0; j < i; j++) c = c * (n - j) / (j + 1);
            sum += c * Math.pow(q, i) * Math.pow(1 - q, n - i);
        }
        return sum;
    }

    @Test
    void theBoundIsTheFirstOrderStatisticThatReachesTheCoverage() {
        double[] x = IntStream.rangeClosed(1, 30).mapToDouble(i -> i).toArray();
        QuantileBound b = QuantileBound.upper(0.25, 0.9875, x);
        int s = (int) b.upper(); // the samples are 1..30, so the bound's value is its rank
        assertTrue(binomialAtMost(30, 0.25, s - 1) >= 0.9875);
        assertTrue(binomialAtMost(30, 0.25, s - 2) < 0.9875);
        assertEquals(binomialAtMost(30, 0.25, s - 1), b.confidence(), 1e-9);
        assertEquals(8, b.value()); // x(⌈7.5⌉)
        assertEquals(30, b.n());
    }

    @Test
    void aBimodalSampleShowsItsLowerQuartileBelowALimitThatItsMedianStraddles() {
        // two thirds of the trials at 0.65, a third at 1.05: the median's interval reaches the upper cluster
        double[] x = IntStream.range(0, 30)
                .mapToDouble(i -> i % 3 == 2 ? 1.05 : 0.65)
                .toArray();
        assertTrue(Estimate.ofMedianCovering(0.975, x).high() >= 1);
        QuantileBound quartile = QuantileBound.upper(0.25, 0.9875, x);
        assertTrue(quartile.below(0.9));
        // and a sample with no low cluster does not
        assertFalse(QuantileBound.upper(
                        0.25,
                        0.9875,
                        IntStream.range(0, 30)
                                .mapToDouble(i -> 0.97 + i * 0.002)
                                .toArray())
                .below(0.9));
    }

    @Test
    void tooFewSamplesGiveNoFiniteBound() {
        // P(Bin(3, ¼) ≤ 2) = 63/64 < 0.99: not even the largest of three covers
        QuantileBound b = QuantileBound.upper(0.25, 0.99, 0.5, 0.6, 0.7);
        assertEquals(Double.POSITIVE_INFINITY, b.upper());
        assertFalse(b.below(1e9));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> QuantileBound.upper(1, 0.9, 1));
        assertTrue(q.getMessage().contains("quantile 1.0"), q.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> QuantileBound.upper(0.5, 1, 1));
        assertTrue(c.getMessage().contains("coverage 1.0"), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantileBound.upper(0.5, 0.9));
    }
}

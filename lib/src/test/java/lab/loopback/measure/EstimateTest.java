package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EstimateTest {
    @Test
    void tenSamplesGiveTheSecondAndNinthOrderStatistics() {
        Estimate e = Estimate.ofMedian(10, 1, 9, 2, 8, 3, 7, 4, 6, 5);
        assertEquals(5.5, e.median());
        assertEquals(2, e.low());
        assertEquals(9, e.high());
        assertEquals(1 - 2 * 11.0 / 1024, e.confidence(), 1e-12); // P(Bin(10,½) ≤ 1) = 11/1024
    }

    @Test
    void fewSamplesReportTheirRealCoverage() {
        Estimate e = Estimate.ofMedian(3, 1, 2, 5, 4);
        assertEquals(3, e.median());
        assertEquals(1, e.low());
        assertEquals(5, e.high());
        assertEquals(1 - 2 / 32.0, e.confidence(), 1e-12);
    }

    @Test
    void oneSampleHasNoInterval() {
        Estimate e = Estimate.ofMedian(7);
        assertEquals(7, e.median());
        assertEquals(false, e.hasInterval());
        assertEquals(null, e.lowOrNull());
        assertEquals(3.0, Estimate.ofMedian(3, 4).lowOrNull());
        assertEquals("7.0 (one sample, no interval)", e.format("%.1f"));
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, Estimate::ofMedian);
    }

    /** Values not measured (NaN) are left out of the median; with none measured the median is NaN, not 0. */
    @Test
    void theMedianOfMeasuredValuesLeavesOutTheUnmeasured() {
        assertEquals(0.3, Estimate.medianOfMeasured(java.util.List.of(0.1, Double.NaN, 0.3, 0.5), x -> x), 1e-12);
        assertEquals(Double.NaN, Estimate.medianOfMeasured(java.util.List.of(Double.NaN, Double.NaN), (Double x) -> x));
        assertEquals(Double.NaN, Estimate.medianOfMeasured(java.util.List.<Double>of(), x -> x));
    }
}

package lab.loopback.experiments;

import lab.loopback.claim.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict rules, on numbers chosen to sit on each side of every threshold. */
class RulesTest {
    @Test
    void perf1IsReproducedOnlyNearTheClaim() {
        assertEquals(Verdict.SUPPORTED, StreamThroughput.judge(90, 96.3));
        assertEquals(Verdict.SUPPORTED, StreamThroughput.judge(105, 96.3));
        assertEquals(Verdict.HOST_DEPENDENT, StreamThroughput.judge(23, 96.3));
        assertEquals(Verdict.HOST_DEPENDENT, StreamThroughput.judge(200, 96.3));
    }

    @Test
    void tldr3ThresholdsAgainstDramMemcpy() {
        assertEquals(Verdict.SUPPORTED, NearRamSpeed.judge(0.85));
        assertEquals(Verdict.PARTLY_TRUE, NearRamSpeed.judge(0.5));
        assertEquals(Verdict.REFUTED, NearRamSpeed.judge(0.26));
    }

    @Test
    void perf2ArithmeticOverRoundingIntervals() {
        var binary = IperfUnits.implied(11.2, 1, 1.00, Math.pow(2, 30));
        var decimal = IperfUnits.implied(11.2, 1, 1.00, 1e9);
        assertTrue(binary.contains(96.3), binary.toString());
        assertFalse(decimal.contains(96.3), decimal.toString());
        assertTrue(decimal.contains(89.6));
    }

    @Test
    void iperf3HumanLinesRevealItsUnits() {
        String out = """
                [  5]   0.00-1.00   sec  2.90 GBytes  24.9 Gbits/sec    0    895 KBytes
                [  5]   1.00-2.00   sec   600 MBytes  5.03 Gbits/sec    0    895 KBytes
                [  5]   0.00-2.00   sec  3.49 GBytes  15.0 Gbits/sec                  receiver
                """;
        List<IperfUnits.UnitCheck> checks = IperfUnits.check(out);
        assertEquals(3, checks.size());
        assertTrue(checks.stream().allMatch(c -> c.binaryBytesFit() && !c.decimalBytesFit()), checks.toString());
        // a tool printing decimal gigabytes would be recognised as such
        var dec = IperfUnits.check("[  5]   0.00-1.00   sec  2.90 GBytes  23.2 Gbits/sec");
        assertTrue(dec.getFirst().decimalBytesFit() && !dec.getFirst().binaryBytesFit());
    }

    @Test
    void everyExperimentNamesClaimsOfTheLedger() {
        var ledger = lab.loopback.claim.ClaimLedger.bundled();
        for (Experiment e : Experiments.all()) {
            assertTrue(e.name().matches("[a-z0-9-]+"), e.name());
            for (String id : e.claims()) assertTrue(ledger.has(id), e.name() + " judges unknown claim " + id);
        }
    }
}

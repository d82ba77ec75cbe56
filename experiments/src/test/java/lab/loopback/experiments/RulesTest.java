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
    void layerRulesSeparateTraversedFromBypassed() {
        // counters swamped by other traffic (a negative net, seen while another run shared the host) are not evidence
        assertTrue(LoopbackPath.swamped("Ip.InReceives", -32428, 40000, 456).contains("leaves -32428 for 456 segments"));
        assertTrue(LoopbackPath.swamped("Ip.InReceives", 5000, 100, 456) != null, "far more packets than the connection had segments");
        assertEquals(null, LoopbackPath.swamped("Ip.InReceives", 456, 12, 456));
        assertEquals(null, LoopbackPath.swamped("Ip.InReceives", -3, 3, 456), "a true bypass, give or take noise, is still evidence");
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeDevice(1.0));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeDevice(0.5));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeDevice(0.2));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeDevice(0.0));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeBypass(1.0, 0.99));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeBypass(1.0, 0.0));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeBypass(0.01, 0.0));
        var yes = new LoopbackPath.Part("a", true, ""); var no = new LoopbackPath.Part("b", false, "");
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeParts(List.of(yes, yes)));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeParts(List.of(yes, no)));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeParts(List.of(no, no)));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeSegments(256, 65483, 16 << 20, 65483, 65536, "lo"));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeSegments(1, 16 << 20, 16 << 20, 65483, 65536, "lo"), "one giant segment is not packetized");
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeSegments(256, 65483, 16 << 20, 65483, 65536, "eth0"));
    }

    @Test
    void copyRulesNeedOneObservedSideAndCountBothForHistory() {
        assertEquals(Verdict.REFUTED, CopyCount.judgeZeroCopy(1.0, 1.0));
        assertEquals(Verdict.REFUTED, CopyCount.judgeZeroCopy(Double.NaN, 1.0));
        assertEquals(Verdict.SUPPORTED, CopyCount.judgeZeroCopy(0.0, 0.0));
        assertEquals(Verdict.PARTLY_TRUE, CopyCount.judgeZeroCopy(0.5, 0.0));
        assertEquals(Verdict.NOT_TESTABLE_HERE, CopyCount.judgeZeroCopy(Double.NaN, Double.NaN));
        assertEquals(Verdict.REFUTED, CopyCount.judgeFourCopies(2.0));
        assertEquals(Verdict.PARTLY_TRUE, CopyCount.judgeFourCopies(3.0));
        assertEquals(Verdict.SUPPORTED, CopyCount.judgeFourCopies(4.0));
        assertEquals(Verdict.NOT_TESTABLE_HERE, CopyCount.judgeFourCopies(Double.NaN));
        assertEquals(Verdict.REFUTED, TriggerCopies.judge(1.0));
        assertEquals(Verdict.SUPPORTED, TriggerCopies.judge(0.0));
        assertTrue(TriggerCopies.atLeast("6.18.44-fc-v669", 4, 16));
        assertTrue(TriggerCopies.atLeast("4.16.0", 4, 16));
        assertFalse(TriggerCopies.atLeast("4.15.18", 4, 16));
        assertFalse(TriggerCopies.atLeast("", 4, 16));
    }

    @Test
    void kernelPathRules() {
        assertEquals(Verdict.REFUTED, KernelSymbolsExperiment.judgeFastPath(0));
        assertEquals(Verdict.PARTLY_TRUE, KernelSymbolsExperiment.judgeFastPath(2));
        assertEquals(Verdict.REFUTED, KernelSymbolsExperiment.judgeLocation(0, null));
        assertEquals(Verdict.REFUTED, KernelSymbolsExperiment.judgeLocation(0, false));
        assertEquals(Verdict.SUPPORTED, KernelSymbolsExperiment.judgeLocation(3, true));
        assertEquals(Verdict.SUPPORTED, WakeUp.judge(1.0, 0.05));
        assertEquals(Verdict.PARTLY_TRUE, WakeUp.judge(1.0, 0.5));
        assertEquals(Verdict.PARTLY_TRUE, WakeUp.judge(0.5, 0.05));
        assertEquals(Verdict.REFUTED, WakeUp.judge(0.5, 0.5));
        assertEquals(Verdict.SUPPORTED, RouteLookups.judge(0, 0));
        assertEquals(Verdict.PARTLY_TRUE, RouteLookups.judge(5, 0));
        assertEquals(Verdict.REFUTED, RouteLookups.judge(700, 1.0));
        var a = new FastPathConditions.Condition("cubic", 20, 1.0, 1.0, 1.0, 500);
        var same = new FastPathConditions.Condition("reno", 18, 0.98, 1.0, 1.0, 510);
        var moved = new FastPathConditions.Condition("x", 40, 0.0, 0.0, 0.0, 500);
        assertEquals(Verdict.REFUTED, FastPathConditions.judge(0, List.of(a, same)));
        assertEquals(Verdict.PARTLY_TRUE, FastPathConditions.judge(0, List.of(a, moved)));
        assertEquals(Verdict.PARTLY_TRUE, FastPathConditions.judge(1, List.of(a, same)));
        assertEquals(Verdict.NOT_TESTABLE_HERE, FastPathConditions.judge(0, List.of(a)));
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

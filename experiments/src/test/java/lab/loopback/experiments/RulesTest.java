package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.WakeupProbe;
import lab.loopback.measurements.FileTransfers;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Experiments;
import org.junit.jupiter.api.Test;

/** The verdict rules, on numbers chosen to sit on each side of every threshold. */
class RulesTest {
    static FileTransfers.Row fileRow(
            String technique, int round, double senderCpuNsPerByte, long zeroCopySends, long copied) {
        return new FileTransfers.Row(
                technique,
                "warm",
                1.0,
                round,
                16 << 20,
                0.01,
                13,
                senderCpuNsPerByte,
                0.1,
                0.05,
                256,
                256,
                zeroCopySends,
                copied);
    }

    /** An untraced technique: only CPU and, for zero-copy sends, the kernel's notices. */
    static ZeroCopyTechniques.Summary technique(String id, double cpuVsReadWrite, long zeroCopySends, long copied) {
        return traced(id, cpuVsReadWrite, zeroCopySends, copied, -1, -1);
    }

    static ZeroCopyTechniques.Summary traced(
            String id, double cpuVsReadWrite, long zeroCopySends, long copied, long fromUser, long byReference) {
        return new ZeroCopyTechniques.Summary(
                id,
                "",
                10,
                9,
                11,
                Double.NaN,
                1,
                0.1,
                cpuVsReadWrite,
                1.0,
                zeroCopySends,
                copied,
                1,
                fromUser,
                byReference,
                "");
    }

    @Test
    void theSendSideIsJudgedOnTheKernelsWordBeforeCpu() {
        // run B of three quick runs: sendfile's CPU was 0.97× read+write's, splice 1.19×, yet no call of either handed
        // the kernel a user buffer
        var sum = List.of(
                traced("mmap-write", 1.97, 0, 0, 258, 0),
                traced("splice", 1.19, 0, 0, 2, 512),
                traced("sendfile", 0.97, 0, 0, 2, 256),
                traced("uring-splice", 1.07, 0, 0, 2, 512),
                traced("uring-send-zc", 0.5, 5376, 5376, 270, 0));
        assertEquals(
                Map.of("mmap()", false, "splice()", true, "sendfile()", true, "io_uring", true),
                ZeroCopyTechniques.avoiding(sum));
        assertEquals(ZeroCopyTechniques.Witness.TRACE, ZeroCopyTechniques.sendSideWitness(sum.get(1)));
        // the notices outrank the trace and the CPU: a cheap zero-copy send the kernel says it copied did copy
        assertEquals(ZeroCopyTechniques.Witness.NOTICES, ZeroCopyTechniques.sendSideWitness(sum.get(4)));
        assertFalse(ZeroCopyTechniques.avoidsSendCopy(sum.get(4)));
        assertTrue(
                ZeroCopyTechniques.avoidsSendCopy(traced("msg-zerocopy", 1.2, 100, 0, 100, 0)),
                "notices saying nothing was copied");
        // a write() of a mapped file is a user buffer however cheap it looked
        assertFalse(ZeroCopyTechniques.avoidsSendCopy(traced("mmap-write", 0.5, 0, 0, 258, 0)));
        // untraced, CPU decides
        assertEquals(
                ZeroCopyTechniques.Witness.CPU, ZeroCopyTechniques.sendSideWitness(technique("sendfile", 0.97, 0, 0)));
        assertFalse(ZeroCopyTechniques.avoidsSendCopy(technique("sendfile", 0.97, 0, 0)));
        assertTrue(ZeroCopyTechniques.avoidsSendCopy(technique("sendfile", 0.6, 0, 0)));
    }

    @Test
    void zeroCopyIsInferredFromRoundsPairedWithReadWrite() {
        // one read+write round hit a 10 ms CPU tick (0.596 ns/B, what a quick run recorded before the CPU fix): paired
        // ratios take its median past it, where a ratio of medians (0.6 / 0.11) would have made every technique "free"
        List<FileTransfers.Row> rw = List.of(
                fileRow("read-write", 0, 0.596, 0, 0),
                fileRow("read-write", 1, 0.11, 0, 0),
                fileRow("read-write", 2, 0.10, 0, 0));
        List<FileTransfers.Row> mmap = List.of(
                fileRow("mmap-write", 0, 0.12, 0, 0),
                fileRow("mmap-write", 1, 0.12, 0, 0),
                fileRow("mmap-write", 2, 0.11, 0, 0));
        assertEquals(1.09, ZeroCopyTechniques.pairedCpuRatio(mmap, rw), 0.01);
        assertTrue(Double.isNaN(ZeroCopyTechniques.pairedCpuRatio(mmap, List.of())));
        // a group avoids the copy when one member is cheap enough and the kernel does not say it copied
        var sum = List.of(
                technique("mmap-write", 1.0, 0, 0),
                technique("splice", 0.6, 0, 0),
                technique("splice-move", 0.9, 0, 0),
                technique("sendfile", 0.58, 0, 0),
                technique("uring-splice", 1.1, 0, 0),
                technique("uring-send-zc", 0.5, 768, 768));
        var avoiding = ZeroCopyTechniques.avoiding(sum);
        assertEquals(Map.of("mmap()", false, "splice()", true, "sendfile()", true, "io_uring", false), avoiding);
        assertEquals(Verdict.PARTLY_TRUE, ZeroCopyTechniques.judgeZc1(avoiding));
        assertEquals(Verdict.SUPPORTED, ZeroCopyTechniques.judgeZc1(Map.of("splice()", true)));
        assertEquals(Verdict.REFUTED, ZeroCopyTechniques.judgeZc1(Map.of("mmap()", false, "splice()", false)));
    }

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
        assertTrue(
                LoopbackPath.swamped("Ip.InReceives", -32428, 40000, 456).contains("leaves -32428 for 456 segments"));
        assertTrue(
                LoopbackPath.swamped("Ip.InReceives", 5000, 100, 456) != null,
                "far more packets than the connection had segments");
        assertEquals(null, LoopbackPath.swamped("Ip.InReceives", 456, 12, 456));
        assertEquals(
                null,
                LoopbackPath.swamped("Ip.InReceives", -3, 3, 456),
                "a true bypass, give or take noise, is still evidence");
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeDevice(1.0));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeDevice(0.5));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeDevice(0.2));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeDevice(0.0));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeBypass(1.0, 0.99));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeBypass(1.0, 0.0));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeBypass(0.01, 0.0));
        var yes = new LoopbackPath.Part("a", true, "");
        var no = new LoopbackPath.Part("b", false, "");
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeParts(List.of(yes, yes)));
        assertEquals(Verdict.PARTLY_TRUE, LoopbackPath.judgeParts(List.of(yes, no)));
        assertEquals(Verdict.REFUTED, LoopbackPath.judgeParts(List.of(no, no)));
        assertEquals(Verdict.SUPPORTED, LoopbackPath.judgeSegments(256, 65483, 16 << 20, 65483, 65536, "lo"));
        assertEquals(
                Verdict.REFUTED,
                LoopbackPath.judgeSegments(1, 16 << 20, 16 << 20, 65483, 65536, "lo"),
                "one giant segment is not packetized");
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
        assertEquals(Verdict.REFUTED, RouteLookups.judge(1, 0), "one lookup at connect routes every segment");
        assertEquals(Verdict.REFUTED, RouteLookups.judge(5, 0));
        assertEquals(Verdict.REFUTED, RouteLookups.judge(700, 1.0));
        var a = new FastPathConditions.Setting("cubic", 20, 1.0, 1.0, 1.0, 500);
        var same = new FastPathConditions.Setting("reno", 18, 0.98, 1.0, 1.0, 510);
        var moved = new FastPathConditions.Setting("x", 40, 0.0, 0.0, 0.0, 500);
        assertEquals(Verdict.REFUTED, FastPathConditions.judge(0, List.of(a, same)));
        assertEquals(Verdict.PARTLY_TRUE, FastPathConditions.judge(0, List.of(a, moved)));
        assertEquals(Verdict.PARTLY_TRUE, FastPathConditions.judge(1, List.of(a, same)));
        assertEquals(Verdict.NOT_TESTABLE_HERE, FastPathConditions.judge(0, List.of(a)));
        // an unreadable symbol table (-1) is not "no symbols": the unmoved path then rules nothing out
        assertEquals(Verdict.NOT_TESTABLE_HERE, FastPathConditions.judge(-1, List.of(a, same)));
        assertEquals(
                Verdict.PARTLY_TRUE, FastPathConditions.judge(-1, List.of(a, moved)), "a moved path needs no symbols");
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
        var ledger = ClaimLedger.bundled();
        for (Experiment e : Experiments.all()) {
            assertTrue(e.name().matches("[a-z0-9-]+"), e.name());
            for (String id : e.claims()) assertTrue(ledger.has(id), e.name() + " judges unknown claim " + id);
        }
    }

    /** SEC-4 reports the policy rules beside its verdict: only the rules beyond the three every host starts with count. */
    @Test
    void sec4CountsOnlyPolicyRulesBeyondTheDefaults() {
        String defaults = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";
        assertEquals(0, RoutesAndNat.customRules(defaults));
        assertEquals(1, RoutesAndNat.customRules(defaults.replace("32766:", "100:\tfrom 10.0.0.0/8 lookup 7\n32766:")));
        assertEquals(
                1,
                RoutesAndNat.customRules("0:\tfrom all lookup local\n32766:\tfrom all lookup main\n"
                        + "1000:\tfrom all fwmark 0x1 lookup 100\n"));
    }

    /** SEC-4 names the tables the traced lookups searched, read from the events, not assumed. */
    @Test
    void sec4ReadsTheTablesFromTheTracedLookups() {
        assertEquals(
                List.of("254", "255"),
                RoutesAndNat.tablesNamed(List.of(
                        "table 254 oif 0 iif 1 proto 6 0.0.0.0/0 -> 127.0.0.1/44531 tos 0 scope 0 flags 8 ==> dev lo",
                        "table 254 oif 0 iif 1 proto 6 127.0.0.1/0 -> 127.0.0.1/44531",
                        "table 255 oif 0 iif 1 proto 6 127.0.0.1/34480 -> 127.0.0.1/44531",
                        "no table here")));
        assertEquals(List.of(), RoutesAndNat.tablesNamed(List.of()));
    }

    private static WakeupProbe.Breakdown message(String placement, long oneWay, long path, boolean within, String in) {
        return new WakeupProbe.Breakdown(placement, 0, oneWay, path, path < 0 ? -1 : oneWay - path, within, -1, -1, in);
    }

    @Test
    void aMessageWhoseReadyTheTraceMissesCountsAgainstImmediateAndOutOfTheSplit() {
        List<WakeupProbe.Breakdown> b = List.of(
                message("same-cpu", 10_000, 4_000, true, WakeupProbe.IN_SENDER),
                message("same-cpu", 10_000, 4_000, true, WakeupProbe.IN_SENDER),
                message("same-cpu", 30_000, 20_000, false, WakeupProbe.IN_KSOFTIRQD),
                message("same-cpu", 90_000, -1, false, WakeupProbe.UNSEEN));
        WakeUp.Facts f = WakeUp.facts(b);
        assertEquals(0.5, f.readyWithinWrite(), 1e-12, "2 of 4 traced messages, the unseen one among the 4");
        WakeUp.Split s = WakeUp.splits(b).getFirst();
        assertEquals(3, s.messages(), "the split is taken over the messages the trace has");
        assertEquals(6.0, s.wakeMicros(), 1e-12);
        assertEquals("in the sender's context 2, in ksoftirqd 1, in no traced context 1", WakeUp.contexts(b));
        assertEquals(Verdict.REFUTED, WakeUp.RULE.judge(f));
    }
}

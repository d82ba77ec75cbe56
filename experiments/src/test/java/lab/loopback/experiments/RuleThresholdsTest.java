package lab.loopback.experiments;

import static lab.loopback.claim.Verdict.HOST_DEPENDENT;
import static lab.loopback.claim.Verdict.NOT_TESTABLE_HERE;
import static lab.loopback.claim.Verdict.PARTLY_TRUE;
import static lab.loopback.claim.Verdict.REFUTED;
import static lab.loopback.claim.Verdict.SUPPORTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.loopback.measure.Estimate;
import lab.loopback.measurements.Conditions;
import org.junit.jupiter.api.Test;

/**
 * Every outcome of the rules that had no test (URING-1..4, IPC-3, ZC-2, SPL-1, SPL-2, SEC-1, SEC-3, SEC-4, FAIL-2,
 * PERF-2, TRIG-2's damaged-bytes override), the outcomes no test produced (TRIG-2 and VETH-2 PARTLY_TRUE, FAST-1's
 * location PARTLY_TRUE), and each threshold tested on both sides close to it, where before only far from it.
 */
class RuleThresholdsTest {
    private static final double EPS = 1e-6;

    @Test
    void uring1IsRefutedOnlyWhenTheFeatureIsDocumentedLaterThanClaimed() {
        assertEquals(SUPPORTED, IoUringProbe.judge(5.19, 5.19));
        assertEquals(REFUTED, IoUringProbe.judge(5.19, 5.19 + EPS));
        assertEquals(SUPPORTED, IoUringProbe.judge(6.0, 5.19));
    }

    /** A kernel past 5.6 without SEND_ZC is itself the refutation; one with it, or older, leaves it to the record. */
    @Test
    void uring1SaysWhatTheKernelsOwnProbeShows() {
        String old = IoUringProbe.summary("5.10.0-46-cloud-amd64", false, 37, 37);
        assertTrue(
                old.startsWith("This kernel (5.10.0-46-cloud-amd64), newer than 5.6, has no IORING_OP_SEND_ZC"), old);
        assertTrue(old.contains("not in every kernel since 5.6"), old);
        String now = IoUringProbe.summary("6.18.44", true, 63, 63);
        assertTrue(now.startsWith("This kernel (6.18.44) supports IORING_OP_SEND_ZC (its probe: 63 of 63"), now);
        assertTrue(now.contains("As documented, the zero-copy send arrived in Linux 6.0, not 5.6"), now);
        String older = IoUringProbe.summary("5.4.0", false, 30, 30);
        assertTrue(older.contains("older than 5.6") && older.contains("says nothing of 5.6"), older);
    }

    @Test
    void uring2TakesTheKernelsWordOnEverySend() {
        assertEquals(NOT_TESTABLE_HERE, IoUringSends.judge(0, 0), "no SEND_ZC completed: nothing to judge");
        assertEquals(SUPPORTED, IoUringSends.judge(100, 0));
        assertEquals(REFUTED, IoUringSends.judge(100, 1), "one notice saying COPIED is enough");
    }

    @Test
    void uring3() {
        assertEquals(REFUTED, LoopbackDma.judge(false, 0, 500), "no device, no dma event");
        assertEquals(PARTLY_TRUE, LoopbackDma.judge(false, 1, 500), "a dma event during the transfer");
        assertEquals(PARTLY_TRUE, LoopbackDma.judge(true, 0, 500), "a bus device behind lo could do DMA");
    }

    @Test
    void uring4() {
        assertEquals(REFUTED, EchoShootout.judge(0, 3));
        assertEquals(HOST_DEPENDENT, EchoShootout.judge(1, 3));
        assertEquals(HOST_DEPENDENT, EchoShootout.judge(2, 3));
        assertEquals(PARTLY_TRUE, EchoShootout.judge(3, 3));
    }

    private static TcpSemantics.Endpoint endpoint(String cc, long cwnd, long rtt, boolean verified) {
        return new TcpSemantics.Endpoint("lo", 40, cc, cwnd, rtt, rtt, 65483, 0, 0, 0, verified);
    }

    @Test
    void ipc3NeedsACongestionControlAtWorkAndBothTransfersVerified() {
        var veth = endpoint("cubic", 10, 30, true);
        assertEquals(SUPPORTED, TcpSemantics.judge(endpoint("cubic", 10, 30, true), veth));
        assertEquals(REFUTED, TcpSemantics.judge(endpoint("cubic", 0, 30, true), veth), "no window");
        assertEquals(REFUTED, TcpSemantics.judge(endpoint("cubic", 10, 0, true), veth), "no rtt");
        assertEquals(REFUTED, TcpSemantics.judge(endpoint(" ", 10, 30, true), veth), "no algorithm named");
        assertEquals(REFUTED, TcpSemantics.judge(endpoint("cubic", 10, 30, false), veth), "lo's bytes not verified");
        assertEquals(REFUTED, TcpSemantics.judge(endpoint("cubic", 10, 30, true), endpoint("cubic", 10, 30, false)));
    }

    @Test
    void zc2CountsTheTechniqueWithFewestCalls() {
        double ptr = SyscallsAndDelivery.BY_POINTER;
        assertEquals(SUPPORTED, SyscallsAndDelivery.judge(new SyscallsAndDelivery.Hop(ptr, 1, 0, 32)));
        assertEquals(
                PARTLY_TRUE,
                SyscallsAndDelivery.judge(new SyscallsAndDelivery.Hop(ptr, 1, EPS, 32)),
                "the hop by pointer, the reader still reading");
        assertEquals(PARTLY_TRUE, SyscallsAndDelivery.judge(new SyscallsAndDelivery.Hop(1, Double.NaN, 32, 32)));
        assertEquals(REFUTED, SyscallsAndDelivery.judge(new SyscallsAndDelivery.Hop(ptr - EPS, 1, 0, 32)));
        assertEquals(NOT_TESTABLE_HERE, SyscallsAndDelivery.judge(new SyscallsAndDelivery.Hop(Double.NaN, 1, 32, 32)));
        var rows = List.of(
                new SyscallsAndDelivery.PerMiB("read-write", "harness", 16, 16),
                new SyscallsAndDelivery.PerMiB("sendfile", "harness", 1, 16),
                new SyscallsAndDelivery.PerMiB("read-write", "strace", Double.NaN, 3));
        assertEquals(
                17, SyscallsAndDelivery.fewestPerMiB(rows, 99), EPS, "a count without the sender's side is skipped");
        assertEquals(99, SyscallsAndDelivery.fewestPerMiB(List.of(), 99), EPS);
    }

    /** SPL-1 judges the chain's hops (the splice sender), whatever the reader then copies out of its socket. */
    @Test
    void spl1JudgesTheChainUpToThePeerSocket() {
        // the reference run: 4096 splice calls carried the payload by reference, 2 writes; the reader copied every byte
        assertEquals(SUPPORTED, ZeroCopyTechniques.judgeSplice(RulesTest.traced("splice-move", 0.84, 0, 0, 2, 4096)));
        assertEquals(REFUTED, ZeroCopyTechniques.judgeSplice(RulesTest.traced("splice-move", 0.84, 0, 0, 4096, 2)));
        double noCopy = ZeroCopyTechniques.NO_COPY;
        assertEquals(SUPPORTED, ZeroCopyTechniques.judgeSplice(RulesTest.technique("splice-move", noCopy, 0, 0)));
        assertEquals(REFUTED, ZeroCopyTechniques.judgeSplice(RulesTest.technique("splice-move", noCopy + EPS, 0, 0)));
    }

    @Test
    void spl2TracedAndUntraced() {
        double same = ZeroCopyTechniques.SAME_COPIES, all = ZeroCopyTechniques.COPIES_ALL;
        assertEquals(REFUTED, ZeroCopyTechniques.judgeMoveFlag(1.0, 1.0 + same - EPS), "same copies, every byte");
        assertEquals(PARTLY_TRUE, ZeroCopyTechniques.judgeMoveFlag(1.0, 1.0 + same + EPS), "the flag moved the copies");
        assertEquals(REFUTED, ZeroCopyTechniques.judgeMoveFlag(all, all));
        assertEquals(PARTLY_TRUE, ZeroCopyTechniques.judgeMoveFlag(all - EPS, all - EPS), "not every byte copied");
        assertEquals(REFUTED, ZeroCopyTechniques.judgeMoveFlagUntraced(new Estimate(0.01, -0.02, 0.03, 0.95, 21)));
        assertEquals(REFUTED, ZeroCopyTechniques.judgeMoveFlagUntraced(new Estimate(0.01, 0, 0.03, 0.95, 21)));
        assertEquals(PARTLY_TRUE, ZeroCopyTechniques.judgeMoveFlagUntraced(new Estimate(0.02, EPS, 0.03, 0.95, 21)));
        assertEquals(PARTLY_TRUE, ZeroCopyTechniques.judgeMoveFlagUntraced(new Estimate(-0.02, -0.03, -EPS, 0.95, 21)));
    }

    @Test
    void sec1Sec3Sec4Fail2Perf2() {
        assertEquals(PARTLY_TRUE, TlsCost.judge(true));
        assertEquals(SUPPORTED, TlsCost.judge(false));
        assertEquals(SUPPORTED, RoutesAndNat.judge(false, -1, false), "untraced, nothing else seen");
        assertEquals(SUPPORTED, RoutesAndNat.judge(false, 0, false));
        assertEquals(REFUTED, RoutesAndNat.judge(false, 1, false));
        assertEquals(REFUTED, RoutesAndNat.judge(true, -1, false));
        assertEquals(REFUTED, RoutesAndNat.judge(false, -1, true));
        assertEquals(REFUTED, ChecksumSetting.judge(false));
        assertEquals(NOT_TESTABLE_HERE, ChecksumSetting.judge(true));
        assertEquals(SUPPORTED, IperfUnits.judge(true, false));
        assertEquals(SUPPORTED, IperfUnits.judge(false, true));
        assertEquals(REFUTED, IperfUnits.judge(false, false));
        assertEquals(REFUTED, IperfUnits.judge(true, true));
    }

    @Test
    void trig2AtBothCopyThresholdsAndDamagedBytesOverrideEverything() {
        double whole = CopyCount.WHOLE, none = CopyCount.NONE;
        assertEquals(REFUTED, TriggerCopies.judge(true, whole));
        assertEquals(PARTLY_TRUE, TriggerCopies.judge(true, whole - EPS));
        assertEquals(PARTLY_TRUE, TriggerCopies.judge(true, 0.5));
        assertEquals(SUPPORTED, TriggerCopies.judge(true, none));
        assertEquals(PARTLY_TRUE, TriggerCopies.judge(true, none + EPS));
        assertEquals(REFUTED, TriggerCopies.judge(false, 0), "damaged bytes: no copies counted does not help");
    }

    @Test
    void perf1WithinFifteenPercentEitherWay() {
        double claimed = 96.3, within = StreamThroughput.REPRODUCED_WITHIN;
        assertEquals(SUPPORTED, StreamThroughput.judge(claimed * (1 + within - EPS), claimed));
        assertEquals(HOST_DEPENDENT, StreamThroughput.judge(claimed * (1 + within + EPS), claimed));
        assertEquals(SUPPORTED, StreamThroughput.judge(claimed * (1 - within + EPS), claimed));
        assertEquals(HOST_DEPENDENT, StreamThroughput.judge(claimed * (1 - within - EPS), claimed));
    }

    @Test
    void path2AtBothWakeUpThresholds() {
        double within = WakeUp.WITHIN_WRITE, share = WakeUp.NEGLIGIBLE_SHARE;
        assertEquals(SUPPORTED, WakeUp.judge(within, share));
        assertEquals(PARTLY_TRUE, WakeUp.judge(within - EPS, share));
        assertEquals(PARTLY_TRUE, WakeUp.judge(within, share + EPS));
        assertEquals(REFUTED, WakeUp.judge(within - EPS, share + EPS));
    }

    @Test
    void path3AtTheLookupThreshold() {
        long routed = RouteLookups.LOOKUPS_ROUTED;
        assertEquals(REFUTED, RouteLookups.judge(routed, 0), "routed at connect, no lookup per segment: still routed");
        assertEquals(SUPPORTED, RouteLookups.judge(routed - 1, 0));
        assertEquals(REFUTED, RouteLookups.judge(700, 0.5));
    }

    @Test
    void more3AtTheDataSynShare() {
        var working = IpcRulesTest.tfo(30, 0.60, 0.58, 0.62); // 1000 connections, a clear saving
        long needed = (long) Math.ceil(working.connections() * FastOpen.DATA_SYN_SHARE);
        assertEquals(FastOpen.Finding.SAVES, FastOpen.finding(working, needed));
        assertEquals(FastOpen.Finding.NO_SYN_DATA, FastOpen.finding(working, needed - 1));
        // and the saving's own threshold: a ratio of exactly 1 - MEASURABLE with its interval below 1 counts
        double edge = 1 - FastOpen.MEASURABLE;
        assertEquals(FastOpen.Finding.SAVES, FastOpen.finding(IpcRulesTest.tfo(30, edge, edge - 0.01, 1 - EPS), 1000));
        assertEquals(
                FastOpen.Finding.UNDECIDED,
                FastOpen.finding(IpcRulesTest.tfo(30, edge + EPS, edge - 0.01, 0.99), 1000));
        assertEquals(FastOpen.Finding.UNDECIDED, FastOpen.finding(IpcRulesTest.tfo(30, edge, edge - 0.01, 1), 1000));
        // shown to save nothing: every block within the margin, on both sides of each end
        double lowEdge = 1 - Conditions.MARGIN, highEdge = 1 / (1 - Conditions.MARGIN);
        assertEquals(
                FastOpen.Finding.SAVES_NOTHING, FastOpen.finding(IpcRulesTest.tfo(30, 1, lowEdge, highEdge), 1000));
        assertEquals(
                FastOpen.Finding.UNDECIDED, FastOpen.finding(IpcRulesTest.tfo(30, 1, lowEdge - EPS, highEdge), 1000));
        assertEquals(
                FastOpen.Finding.UNDECIDED, FastOpen.finding(IpcRulesTest.tfo(30, 1, lowEdge, highEdge + EPS), 1000));
    }

    private static VethOptions.Row veth(String option, double copies) {
        return new VethOptions.Row("veth", option, "1", 10, 9, 11, copies);
    }

    @Test
    void veth2PartlyTrueWhenAnOptionMovesTheCopiesButNotBelowHalf() {
        double same = Conditions.SAME_COPIES, half = VethOptions.HALF_A_COPY;
        assertEquals(
                PARTLY_TRUE, VethOptions.judge(List.of(veth("defaults", 1.0), veth("TCP_CORK", 1.0 - same - EPS))));
        assertEquals(REFUTED, VethOptions.judge(List.of(veth("defaults", 1.0), veth("TCP_CORK", 1.0 - same + EPS))));
        assertEquals(SUPPORTED, VethOptions.judge(List.of(veth("defaults", 1.0), veth("TCP_CORK", half - EPS))));
        assertEquals(PARTLY_TRUE, VethOptions.judge(List.of(veth("defaults", 1.0), veth("TCP_CORK", half))));
    }

    @Test
    void fast1LocationPartlyTrueBothWays() {
        assertEquals(PARTLY_TRUE, KernelSymbolsExperiment.judgeLocation(0, Boolean.TRUE), "the file exists, no symbol");
        assertEquals(PARTLY_TRUE, KernelSymbolsExperiment.judgeLocation(3, null), "symbols, no source to look in");
        assertEquals(SUPPORTED, KernelSymbolsExperiment.judgeLocation(3, Boolean.TRUE));
        assertEquals(REFUTED, KernelSymbolsExperiment.judgeLocation(0, null));
    }

    /** SEC-3 is judged at lo's own MTU; the lowered MTU's fragments are reported beside it and never move it. */
    @Test
    void sec3JudgesLoAtItsOwnMtu() {
        var whole = new MtuAndSegments.Facts(65536, 65507, 0, true, 65507, 6);
        assertEquals(PARTLY_TRUE, MtuAndSegments.judge(whole));
        assertEquals(PARTLY_TRUE, MtuAndSegments.judge(new MtuAndSegments.Facts(65536, 65507, 0, true, 65507, -1)));
        assertEquals(PARTLY_TRUE, MtuAndSegments.judge(new MtuAndSegments.Facts(65536, 65507, 0, true, 65507, 0)));
        assertEquals(REFUTED, MtuAndSegments.judge(new MtuAndSegments.Facts(16436, 65507, 4, true, 65507, 6)));
        assertEquals(REFUTED, MtuAndSegments.judge(new MtuAndSegments.Facts(1500, 65507, 1, true, 0, -1)));
        assertEquals(NOT_TESTABLE_HERE, MtuAndSegments.judge(new MtuAndSegments.Facts(65536, -1, -1, false, -1, 6)));
        assertEquals(
                HOST_DEPENDENT,
                MtuAndSegments.judge(new MtuAndSegments.Facts(65536, 65507, 0, true, 0, -1)),
                "no fragment, but the datagram never arrived");
        // the facts come from the udp rows at lo's own MTU, the largest datagram of them, whatever else was sent
        var rows = List.of(
                new UdpFragments.Result(65536, 8000, 0, 0, 0, 8000),
                new UdpFragments.Result(65536, 65507, 0, 0, 0, 65507),
                new UdpFragments.Result(1500, 8000, 6, 6, 1, 8000));
        assertEquals(whole, MtuAndSegments.Facts.of(65536, rows));
        assertEquals(
                new MtuAndSegments.Facts(65536, -1, -1, false, -1, 6),
                MtuAndSegments.Facts.of(65536, rows.subList(2, 3)));
        // on the host's own lo (no namespace) the fragment counter is everyone's: a positive count decides nothing
        var hostWide = MtuAndSegments.Facts.of(16436, List.of(new UdpFragments.Result(16436, 65507, -1, 4, 4, 65507)));
        assertEquals(false, hostWide.own());
        assertEquals(HOST_DEPENDENT, MtuAndSegments.judge(hostWide));
        assertEquals(
                PARTLY_TRUE,
                MtuAndSegments.judge(MtuAndSegments.Facts.of(
                        65536, List.of(new UdpFragments.Result(65536, 65507, -1, 0, 0, 65507)))),
                "none counted anywhere: none for the datagram either");
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import lab.loopback.access.AccessCheck;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.Placement;
import lab.loopback.measurements.Conditions;
import lab.loopback.measurements.IpcData;
import lab.loopback.rule.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdict rules of sections 10-12 on hand-made evidence, and their bad input. */
class ConditionRulesTest {
    static final Rule<List<Conditions.Summary>> DEGRADE = Conditions.degradeRule("X", false);

    static Conditions.Summary row(String name, String against, double copies) {
        return new Conditions.Summary(
                name,
                10,
                9,
                11,
                1,
                1,
                1,
                Conditions.Against.valueOf(against.toUpperCase().replace(' ', '_')),
                copies,
                "");
    }

    @Test
    void aDegradeNeedsAPathChangeOrAMeasurableSlowdown() {
        assertEquals(
                Verdict.REFUTED,
                DEGRADE.judge(List.of(
                        row("base", "baseline", 1.0), row("x", "within noise", 1.01), row("y", "higher", 1.0))));
        assertEquals(Verdict.PARTLY_TRUE, DEGRADE.judge(List.of(row("base", "baseline", 1.0), row("x", "lower", 1.0))));
        assertEquals(
                Verdict.SUPPORTED, DEGRADE.judge(List.of(row("base", "baseline", 0.0), row("x", "within noise", 1.0))));
        assertEquals(
                Verdict.REFUTED,
                DEGRADE.judge(List.of(row("base", "baseline", Double.NaN), row("x", "within noise", Double.NaN))));
        // when the baseline is itself a blamed condition (the default congestion module), a faster condition means a
        // slower baseline
        assertEquals(
                Verdict.REFUTED,
                Conditions.degradeRule("X", false)
                        .judge(List.of(row("base", "baseline", 1.0), row("y", "higher", 1.0))));
        assertEquals(
                Verdict.PARTLY_TRUE,
                Conditions.degradeRule("X", true)
                        .judge(List.of(row("base", "baseline", 1.0), row("y", "higher", 1.0))));
        // without traced copies the sentence must not claim anything about the path
        String untraced = Conditions.summary(
                Verdict.REFUTED,
                List.of(row("base", "baseline", Double.NaN), row("x", "within noise", Double.NaN)),
                "X");
        assertTrue(untraced.contains("could not be traced") && !untraced.contains("did not switch"), untraced);
        String traced = Conditions.summary(
                Verdict.PARTLY_TRUE, List.of(row("base", "baseline", 1.0), row("x", "lower", 1.0)), "X");
        assertTrue(traced.contains("copies 1.00"), traced);
    }

    static List<Conditions.Trial> rounds(String condition, double... gbit) {
        List<Conditions.Trial> out = new ArrayList<>();
        for (int r = 0; r < gbit.length; r++) out.add(new Conditions.Trial(condition, r, gbit[r], 0.3, 1 << 20));
        return out;
    }

    static String against(List<Conditions.Trial> base, List<Conditions.Trial> cond) {
        List<Conditions.Trial> all = new ArrayList<>(base);
        all.addAll(cond);
        return Conditions.summarize(all, List.of("base", "x"), List.of(1.0, 1.0), List.of("", ""))
                .get(1)
                .againstBaseline()
                .toString();
    }

    @Test
    void aChangeIsJudgedOnRoundsPairedWithTheBaseline() {
        var base = rounds("base", 10, 11, 12);
        assertEquals("lower", against(base, rounds("x", 5, 6, 7)));
        assertEquals("higher", against(base, rounds("x", 13, 14, 15)));
        assertEquals("within noise", against(base, rounds("x", 9, 10.5, 13)));
        // slower in every round but by less than 10 %: not a measurable change
        assertEquals("within noise", against(base, rounds("x", 9.5, 10.5, 11.5)));
        // FAIL-5 in one quick run on a 2-vCPU VM: the baseline hit lo's fast mode once (bimodal 22 vs 45 Gbit/s) and
        // the
        // pooled intervals came apart (0.67×), though two of three rounds were as fast as the baseline
        assertEquals("within noise", against(rounds("base", 22.2, 45.1, 24.1), rounds("x", 22.0, 21.0, 24.2)));
        // FAIL-3 (veth vs lo) in an idle quick run: lo's interval [19.6, 29.7] swallowed veth's, yet veth was slower in
        // every round
        assertEquals("lower", against(rounds("base", 19.6, 29.7, 24.0), rounds("x", 15.0, 17.1, 16.8)));
        // ten rounds: the median's 95 % interval tolerates one round on the wrong side, not three
        var ten = rounds("base", 20, 20, 20, 20, 20, 20, 20, 20, 20, 20);
        assertEquals("lower", against(ten, rounds("x", 15, 15, 15, 15, 15, 15, 15, 15, 15, 25)));
        assertEquals("within noise", against(ten, rounds("x", 15, 15, 15, 15, 15, 15, 15, 25, 25, 25)));
        // every condition takes every position, the baseline included; the warm-up round (-1) too
        assertEquals(List.of(0, 1, 2), Conditions.order(0, 3));
        assertEquals(List.of(1, 2, 0), Conditions.order(1, 3));
        assertEquals(List.of(2, 0, 1), Conditions.order(-1, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> Conditions.pairedRatio(base, "base", "absent"));
        assertTrue(e.getMessage().contains("'absent'"), e.getMessage());
    }

    @Test
    void mixingIsJudgedAgainstTheUnmixedPairingWithTheSameReceiver() {
        List<String> names =
                BlockingModes.MODES.stream().map(BlockingModes.Mode::name).toList();
        // a receiver that polls costs 0.7× whoever sends to it; a sender's flag alone changes nothing
        double[] blocking = {20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20};
        double[] polled = {14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14};
        List<Conditions.Trial> trials = new ArrayList<>();
        trials.addAll(rounds(names.get(0), blocking));
        trials.addAll(rounds(names.get(1), blocking));
        trials.addAll(rounds(names.get(2), polled));
        trials.addAll(rounds(names.get(3), polled));
        trials.addAll(rounds(names.get(4), blocking));
        List<Conditions.Summary> rows =
                Conditions.summarize(trials, names, Collections.nCopies(5, 1.0), Collections.nCopies(5, ""));
        assertEquals(
                Conditions.Against.LOWER,
                rows.get(2).againstBaseline(),
                "against the blocking pair the polling receiver is slower");
        assertEquals(Verdict.PARTLY_TRUE, DEGRADE.judge(rows), "which the generic rule took for a mixing effect");
        List<BlockingModes.Mixing> mix = BlockingModes.mixing(trials);
        assertEquals(
                List.of(Conditions.Against.WITHIN_NOISE, Conditions.Against.WITHIN_NOISE),
                mix.stream().map(BlockingModes.Mixing::against).toList());
        assertEquals(Verdict.REFUTED, BlockingModes.judge(rows, mix));
        // a mixed pairing slower than its unmixed twin in every round is a mixing effect
        List<Conditions.Trial> slower = new ArrayList<>(
                trials.stream().filter(t -> !t.condition().equals(names.get(2))).toList());
        slower.addAll(rounds(names.get(2), 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10));
        assertEquals(Verdict.PARTLY_TRUE, BlockingModes.judge(rows, BlockingModes.mixing(slower)));
        // another path outranks throughput
        List<Conditions.Summary> moved = new ArrayList<>(rows);
        moved.set(1, row(names.get(1), "within noise", 0.0));
        assertEquals(Verdict.SUPPORTED, BlockingModes.judge(moved, mix));
    }

    @Test
    void ruleCountsComeFromTheEnvironmentOrTheDefault() {
        assertEquals(List.of(0, 10, 100, 1000), NetfilterRules.ruleCounts(null));
        assertEquals(List.of(0, 5, 50), NetfilterRules.ruleCounts("5, 50, 5"));
        var e = assertThrows(IllegalArgumentException.class, () -> NetfilterRules.ruleCounts("10,lots"));
        assertTrue(e.getMessage().contains("'lots'") && e.getMessage().contains("0..100000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetfilterRules.ruleCounts("-1"));
    }

    @Test
    void checksumSysctlsAreFoundByName(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("net/netfilter"));
        Files.writeString(root.resolve("net/netfilter/nf_conntrack_checksum"), "1\n");
        Files.writeString(root.resolve("net/netfilter/nf_conntrack_max"), "65536\n");
        var found = ChecksumSetting.checksumSysctls(root);
        assertEquals(List.of(new ChecksumSetting.Setting("net.netfilter.nf_conntrack_checksum", "1")), found);
        assertTrue(ChecksumSetting.checksumSysctls(root.resolve("absent")).isEmpty());
    }

    @Test
    void optionsAndVethRules() {
        var slower = new VethVersusLo.VethRoute(row("veth", "lower", 1), 1.0);
        var same = new VethVersusLo.VethRoute(row("veth", "within noise", 1), 1.05);
        var longerTrip = new VethVersusLo.VethRoute(row("veth", "within noise", 1), 1.2);
        // slower at lo's MTU class: the path itself is slower
        assertEquals(Verdict.SUPPORTED, VethVersusLo.judgeVeth(slower, slower));
        assertEquals(Verdict.SUPPORTED, VethVersusLo.judgeVeth(longerTrip, same));
        // slower only as the recipe builds it (default MTU): true of the recipe, the MTU the cause
        assertEquals(Verdict.PARTLY_TRUE, VethVersusLo.judgeVeth(same, slower));
        assertEquals(Verdict.PARTLY_TRUE, VethVersusLo.judgeVeth(null, slower), "a run with only the default MTU");
        assertEquals(Verdict.REFUTED, VethVersusLo.judgeVeth(same, same));
        // the round trips compared within each placement of the peers; the rule reads the smallest ratio
        List<IpcData.Latency> trips = List.of(
                IpcRulesTest.lat("lo", 64, Placement.SAME_CPU, 10, 9, 11),
                IpcRulesTest.lat("veth", 64, Placement.SAME_CPU, 12.5, 12, 13),
                IpcRulesTest.lat("lo", 64, Placement.TWO_CPUS, 40, 39, 41),
                IpcRulesTest.lat("veth", 64, Placement.TWO_CPUS, 42, 41, 43));
        assertEquals(List.of(1.05, 1.25), VethVersusLo.tripRatios(trips, "veth"));
        assertEquals(
                Verdict.REFUTED,
                VethVersusLo.judgeVeth(
                        new VethVersusLo.VethRoute(
                                row("veth", "within noise", 1),
                                VethVersusLo.tripRatios(trips, "veth").getFirst()),
                        null),
                "slower on one vCPU only: not slower in every placement");
        VethOptions.Row one = new VethOptions.Row("lo", "defaults", "-", 10, 9, 11, 1.0);
        assertEquals(
                Verdict.REFUTED,
                VethOptions.judge(List.of(one, new VethOptions.Row("lo", "TCP_CORK", "1", 10, 9, 11, 1.0))));
        assertEquals(
                Verdict.SUPPORTED,
                VethOptions.judge(List.of(one, new VethOptions.Row("lo", "TCP_CORK", "1", 10, 9, 11, 0.2))));
        assertEquals(
                Verdict.NOT_TESTABLE_HERE,
                VethOptions.judge(List.of(new VethOptions.Row("lo", "defaults", "-", 10, 9, 11, Double.NaN))));
    }

    @Test
    void anotherUidReachingTcpRefutesUnixDomainSecurity() {
        var tcp = new AccessCheck.Attempt("TCP 127.0.0.1", "none", true, "", true, 0xffffffffL, 0, false);
        var unix = new AccessCheck.Attempt("AF_UNIX in a 0700 directory", "0700", false, "EACCES", false, -1, 0, false);
        assertEquals(
                Verdict.REFUTED,
                OtherUidAccess.judge(new AccessCheck.Result(65534, 65534, "Uid: 65534", List.of(tcp, unix))));
        var refused = new AccessCheck.Attempt("TCP 127.0.0.1", "none", false, "EACCES", false, -1, 0, false);
        assertEquals(
                Verdict.SUPPORTED,
                OtherUidAccess.judge(new AccessCheck.Result(65534, 65534, "Uid: 65534", List.of(refused, unix))));
    }
}

package lab.loopback.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.Guest;
import lab.loopback.kernel.HostFingerprint;
import org.junit.jupiter.api.Test;

class EmulatedTimingsTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    private static HostFingerprint host(Guest guest) {
        return new HostFingerprint(
                "h",
                "6.1.0-57-cloud-amd64",
                "#1",
                "QEMU TCG CPU",
                2,
                Map.of(),
                "",
                4L << 30,
                "vm",
                "cubic",
                null,
                true,
                "mounted",
                Map.of(),
                "25",
                guest);
    }

    private static final HostFingerprint TCG = host(
            new Guest("tcg", "QEMU 7.2.22", "amd-epyc-2c", "6.18.0", "linux-image-6.1.0-57-cloud-amd64 6.1.192-3"));

    private static ClaimVerdict judged(String id, Verdict v, Double measured) {
        return ClaimVerdict.judged(LEDGER.claim(id), v, "h")
                .summary(id + " as the rule said")
                .measured(measured, "Gbit/s")
                .evidence(List.of("rule: …"))
                .build();
    }

    @Test
    void theLedgerSaysWhatEachRuleReads() {
        assertEquals(Claim.Evidence.TIMING, LEDGER.claim("PERF-1").evidence());
        assertEquals(Claim.Evidence.TESTIMONY, LEDGER.claim("URING-1").evidence());
        assertEquals(Claim.Evidence.ARITHMETIC, LEDGER.claim("PERF-2").evidence());
        assertTrue(LEDGER.claims().stream().allMatch(c -> c.evidence() != null));
    }

    @Test
    void inAnEmulatorATimingIsNotJudgedAndWhatTheRuleSaidStaysInTheEvidence() {
        ClaimVerdict v = EmulatedTimings.apply(judged("PERF-1", Verdict.REFUTED, 3.2), LEDGER.claim("PERF-1"), TCG);
        assertEquals(Verdict.NOT_TESTABLE_HERE, v.verdict());
        assertEquals(Lack.EMULATED, v.lack());
        assertNull(v.measured(), "the emulator's rate is not shown as this claim's measurement");
        assertTrue(v.summary().contains(EmulatedTimings.REASON), v.summary());
        assertTrue(
                v.evidence()
                        .getLast()
                        .startsWith("in the emulator (not a verdict on any hardware) the rule said REFUTED"),
                v.evidence().toString());
        assertTrue(v.evidence().getLast().contains("3.2"), v.evidence().toString());
    }

    @Test
    void inAnEmulatorTheKernelsTestimonyIsJudgedAndSaysWhereItWasMeasured() {
        ClaimVerdict given = judged("URING-1", Verdict.REFUTED, null);
        ClaimVerdict v = EmulatedTimings.apply(given, LEDGER.claim("URING-1"), TCG);
        assertEquals(Verdict.REFUTED, v.verdict());
        assertEquals(given.summary(), v.summary());
        assertTrue(
                v.evidence().getLast().contains("the verdict is the kernel's testimony"),
                v.evidence().toString());
        assertTrue(v.evidence().getLast().contains("QEMU TCG"), v.evidence().toString());
    }

    @Test
    void onAHostOrUnderKvmNothingChanges() {
        ClaimVerdict given = judged("PERF-1", Verdict.REFUTED, 3.2);
        assertSame(given, EmulatedTimings.apply(given, LEDGER.claim("PERF-1"), host(null)));
        HostFingerprint kvm = host(new Guest("kvm", "QEMU 7.2.22", "a", "6.18.0", "p"));
        assertSame(given, EmulatedTimings.apply(given, LEDGER.claim("PERF-1"), kvm));
    }
}

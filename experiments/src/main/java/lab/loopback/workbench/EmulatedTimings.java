package lab.loopback.workbench;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.HostFingerprint;

/**
 * In an emulated guest ({@code ./lab run --kernel} under QEMU TCG) every instruction is interpreted, so a time or a rate
 * says how fast the emulator is, not how fast this kernel's path is on any hardware. A claim whose rule reads a timing
 * ({@link Claim.Evidence#TIMING}) is not judged there: NOT_TESTABLE_HERE ({@link Lack#EMULATED}), with what the rule
 * would have said kept in the evidence as the emulator's reading. A claim judged from the kernel's testimony is judged
 * as anywhere, and its evidence says where it was measured.
 */
public final class EmulatedTimings {
    public static final String REASON = "emulated CPU: timings are not this hardware's";

    private EmulatedTimings() {}

    /** {@code v} as a run on {@code host} reports it. */
    public static ClaimVerdict apply(ClaimVerdict v, Claim c, HostFingerprint host) {
        if (!host.emulated() || v.verdict() == Verdict.NOT_YET_MEASURED) return v;
        List<String> evidence = new ArrayList<>(v.evidence());
        if (c.evidence() != Claim.Evidence.TIMING) {
            evidence.add(
                    "measured in a guest with an emulated CPU (" + host.guest().describe() + "): the verdict is "
                            + (c.evidence() == Claim.Evidence.ARITHMETIC
                                    ? "arithmetic on the article's own numbers"
                                    : "the kernel's testimony")
                            + "; any time or rate in this evidence is the emulator's");
            return new ClaimVerdict(
                    v.claim(),
                    v.verdict(),
                    v.summary(),
                    v.measured(),
                    v.measuredLow(),
                    v.measuredHigh(),
                    v.claimed(),
                    v.unit(),
                    evidence,
                    v.host(),
                    v.lack());
        }
        if (v.verdict() == Verdict.NOT_TESTABLE_HERE) return v;
        evidence.add("in the emulator (not a verdict on any hardware) the rule said " + v.verdict() + ": " + v.summary()
                + (v.measured() == null
                        ? ""
                        : " (measured " + v.measured() + (v.unit() == null ? "" : " " + v.unit()) + ")"));
        return new ClaimVerdict(
                v.claim(),
                Verdict.NOT_TESTABLE_HERE,
                "Not judged: " + REASON + " (" + host.guest().describe()
                        + "); this claim's rule reads a time or a rate.",
                null,
                null,
                null,
                v.claimed(),
                v.unit(),
                evidence,
                v.host(),
                Lack.EMULATED);
    }
}

package lab.loopback.experiments;

import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.Releases;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringOp;
import lab.loopback.uring.IoUringSupport;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * URING-1: "Newer Linux (5.6+) supports io_uring_prep_send_zc()". This kernel's own opcode probe
 * (IORING_REGISTER_PROBE), beside the documented history of the opcodes involved.
 */
@Measures(
        name = "io-uring-probe",
        claims = {"URING-1"})
public final class IoUringProbe implements Experiment {
    /**
     * Documented, not measured: the release that introduced each opcode, from the kernel's git history — IORING_OP_SEND
     * and IORING_OP_RECV in 5.6 (commits fddaface and 3a6820f2, Jens Axboe, Dec 2019), IORING_OP_SEND_ZC in 6.0 (io_uring/net.c,
     * Pavel Begunkov, merged Aug 2022), IORING_SEND_ZC_REPORT_USAGE in 6.2; io_uring_prep_send_zc() itself is liburing's (2.3, Sep 2022).
     */
    static final double SEND_ZC_SINCE = 6.0, SEND_SINCE = 5.6;

    static final String SOURCE =
            "Linux git history: IORING_OP_SEND/RECV added in 5.6 (Jens Axboe, Dec 2019); IORING_OP_SEND_ZC added in 6.0 "
                    + "(Pavel Begunkov, io_uring/net.c, Aug 2022); IORING_SEND_ZC_REPORT_USAGE in 6.2; io_uring_prep_send_zc() is liburing 2.3's helper (man page dated Sep 2022)";

    /** The release the article claims and the one the kernel documents for IORING_OP_SEND_ZC. */
    record Since(double claimed, double documented) {}

    static final Rule<Since> RULE = Rule.<Since>forClaim("URING-1")
            .when(
                    Verdict.REFUTED,
                    Condition.fact(
                            "the documented first release of IORING_OP_SEND_ZC is later than the claimed one",
                            r -> r.documented() > r.claimed()))
            .otherwise(Verdict.SUPPORTED);

    static Verdict judge(double claimedSince, double documentedSince) {
        return RULE.judge(new Since(claimedSince, documentedSince));
    }

    /** URING-1 reads nothing measured: the ledger's claimed kernel version against the one documented for SEND_ZC. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        double claimed = r.claim().claimed() == null ? 5.6 : r.claim().claimed();
        return new RecordedRule.Judgement(
                judge(claimed, SEND_ZC_SINCE),
                null,
                "claimed since " + claimed + ", SEND_ZC documented since " + SEND_ZC_SINCE);
    }

    /**
     * What URING-1's probe says: a kernel past 5.6 without IORING_OP_SEND_ZC refutes "since 5.6" by itself; one with it,
     * or older than 5.6, leaves the date to the documentation.
     */
    static String summary(String release, boolean sendZc, long supported, int probed) {
        String probe = String.format("(its probe: %d of %d opcodes supported)", supported, probed);
        if (Releases.compare(release, "5.6") >= 0 && !sendZc)
            return String.format(
                    "This kernel (%s), newer than 5.6, has no IORING_OP_SEND_ZC %s: the zero-copy send is not in every kernel since 5.6. As documented, it arrived in Linux 6.0; 5.6 brought the plain IORING_OP_SEND/RECV.",
                    release, probe);
        return String.format(
                "This kernel (%s) %s %s. As documented, the zero-copy send arrived in Linux 6.0, not 5.6: 5.6 brought the plain IORING_OP_SEND/RECV.",
                release,
                sendZc
                        ? "supports IORING_OP_SEND_ZC"
                        : "is older than 5.6 and has no IORING_OP_SEND_ZC, which says nothing of 5.6",
                probe);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        IoUringSupport.Availability a = IoUringSupport.check();
        if (!a.available()) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "URING-1",
                    Lack.IO_URING,
                    "This kernel's opcodes can be asked only through a ring: " + a.reason()
                            + ". (Documented: IORING_OP_SEND_ZC arrived in Linux 6.0, not 5.6.)"));
            return o;
        }
        List<IoUring.ProbeOp> ops;
        try (IoUring ring = IoUring.setup(2, 0)) {
            ops = ring.probe();
        }
        o.table("opcodes", RecordTable.of("opcodes", IoUring.ProbeOp.class, ops));
        boolean sendZc = ops.stream().anyMatch(p -> p.op() == IoUringOp.SEND_ZC && p.supported());
        boolean send = ops.stream().anyMatch(p -> p.op() == IoUringOp.SEND && p.supported());
        long supported = ops.stream().filter(IoUring.ProbeOp::supported).count();
        Verdict v = judge(
                ctx.claim("URING-1").claimed() == null
                        ? 5.6
                        : ctx.claim("URING-1").claimed(),
                SEND_ZC_SINCE);
        o.verdict(ctx.judged("URING-1", v)
                .summary(summary(ctx.host().kernelRelease(), sendZc, supported, ops.size()))
                .measured(SEND_ZC_SINCE, "kernel version")
                .claimed(5.6)
                .evidence(List.of(
                        "IORING_REGISTER_PROBE on this kernel: IORING_OP_SEND " + (send ? "supported" : "absent")
                                + ", IORING_OP_SEND_ZC " + (sendZc ? "supported" : "absent") + ", highest opcode "
                                + ops.stream()
                                        .mapToInt(IoUring.ProbeOp::op)
                                        .max()
                                        .orElse(-1),
                        "documented, not measured: " + SOURCE,
                        RULE.evidence()))
                .build());
        CategoryChart c = Charts.bars("URING-1: the kernel release that introduced each opcode", "", "Linux version");
        List<String> names = List.of("IORING_OP_SEND", "IORING_OP_SEND_ZC");
        c.addSeries("article: send_zc since", names, List.of(5.6, 5.6)).setFillColor(Charts.CLAIM);
        c.addSeries("documented (git history)", names, List.of(SEND_SINCE, SEND_ZC_SINCE))
                .setFillColor(Charts.MEASURED);
        o.figure(new Figure(
                "uring-opcodes",
                List.of("URING-1"),
                "Documented (kernel git history, not measured): the first release with each opcode. "
                        + "Measured on this host: the opcode probe in table 'opcodes' ("
                        + (sendZc ? "SEND_ZC supported" : "SEND_ZC absent") + ").",
                c));
        return o;
    }
}

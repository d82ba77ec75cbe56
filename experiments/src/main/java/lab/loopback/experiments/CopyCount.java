package lab.loopback.experiments;

import java.awt.Color;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.ZerocopyProbe;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.MemcpyBaseline;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.ZerocopyNotices;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.ZeroCopyReceive;
import org.knowm.xchart.CategoryChart;

/**
 * TLDR-2 and HIST-1: how many times a byte is copied on its way through loopback TCP, side by side with
 * the article's four copies (HIST-1) and its zero (TLDR-2). Receive side: every
 * skb:skb_copy_datagram_iovec of the receiving process (measured). Send side: the MSG_ZEROCOPY completion
 * notices (the kernel says whether it copied even when asked not to; that a plain write copies in
 * tcp_sendmsg is inferred). Between: whether the skb that left through lo is the one the receiver queued
 * (followed by address). And CPU per byte in units of this host's memcpy (copy-equivalents, inferred).
 */
@Measures(
        name = "copy-count",
        claims = {"TLDR-2", "HIST-1"})
public final class CopyCount implements Experiment {
    static final double WHOLE = 0.99, NONE = 0.01;

    /** One stage of the article's four-copy list and what this host shows for it. */
    public record Stage(String stage, double articleOldPath, double articleLoopback, double measured, String how) {}

    /** Copies per byte on each side; NaN = that side could not be observed. */
    record Sides(double receivePerByte, double sendCopiedFraction) {}

    private static final String RX = "the receiver's copies per byte", TX = "the sender's copied share of the bytes";
    static final Rule<Sides> ZERO_COPY = Rule.<Sides>forClaim("TLDR-2")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.fact(
                            "neither side could be observed",
                            s -> Double.isNaN(s.receivePerByte()) && Double.isNaN(s.sendCopiedFraction())))
            .when(
                    Verdict.REFUTED,
                    Condition.atLeast(RX, Sides::receivePerByte, WHOLE, Shown.PLAIN)
                            .or(Condition.atLeast(TX, Sides::sendCopiedFraction, WHOLE, Shown.PLAIN)))
            .when(
                    Verdict.SUPPORTED,
                    Condition.atMost(RX, Sides::receivePerByte, NONE, Shown.PLAIN)
                            .orUnmeasured()
                            .and(Condition.atMost(TX, Sides::sendCopiedFraction, NONE, Shown.PLAIN)
                                    .orUnmeasured()))
            .otherwise(Verdict.PARTLY_TRUE);

    /** Copies per byte that round to the article's four, and to two or fewer (the ordinary send + receive pair). */
    static final double ROUNDS_TO_FOUR = 3.5, ROUNDS_TO_TWO = 2.5;

    private static final String COPIES = "copies per byte over the whole path";
    static final Rule<Double> FOUR_COPIES = Rule.<Double>forClaim("HIST-1")
            .when(Verdict.NOT_TESTABLE_HERE, Condition.fact("the copies could not be counted", c -> Double.isNaN(c)))
            .when(Verdict.SUPPORTED, Condition.atLeast(COPIES, c -> c, ROUNDS_TO_FOUR, Shown.PLAIN))
            .when(Verdict.REFUTED, Condition.atMost(COPIES, c -> c, ROUNDS_TO_TWO, Shown.PLAIN))
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judgeZeroCopy(double receivePerByte, double sendCopiedFraction) {
        return ZERO_COPY.judge(new Sides(receivePerByte, sendCopiedFraction));
    }

    static Verdict judgeFourCopies(double copiesPerByte) {
        return FOUR_COPIES.judge(copiesPerByte);
    }

    /** The send side's copied share (first stage) and the receive side's copies per byte (last stage), as recorded. */
    private static double[] sendAndReceive(Recorded r) {
        List<Stage> s = r.rows("stages", Stage.class);
        return new double[] {s.getFirst().measured(), s.getLast().measured()};
    }

    /** TLDR-2 from the recorded stages table. */
    static RecordedRule.Judgement fromTablesZeroCopy(Recorded r) {
        double[] c = sendAndReceive(r);
        return new RecordedRule.Judgement(
                judgeZeroCopy(c[1], c[0]),
                null,
                String.format("send side copied share %.3f, receive side %.3f copies per byte", c[0], c[1]));
    }

    /** HIST-1 from the recorded stages table. */
    static RecordedRule.Judgement fromTablesFourCopies(Recorded r) {
        double[] c = sendAndReceive(r);
        double today = Double.isNaN(c[0]) || Double.isNaN(c[1]) ? Double.NaN : c[0] + c[1];
        return new RecordedRule.Judgement(
                judgeFourCopies(today), null, String.format("copies per byte today: %.3f", today));
    }

    @Override
    public Outcome run(RunContext ctx) {
        TracedStream.Result r = KernelEvidence.traced(ctx);
        ZerocopyProbe.Result zc = KernelEvidence.zerocopy(ctx);
        List<MemcpyBaseline.Point> memcpy = KernelEvidence.memcpy(ctx);
        ZeroCopyReceive.Result zcRx = KernelEvidence.zerocopyReceive(ctx);
        Outcome o = new Outcome(name());
        o.table("zerocopy-receive", RecordTable.of("zerocopy-receive", ZeroCopyReceive.Result.class, List.of(zcRx)));
        long bytes = r.trial().bytesReceived();
        ReceiveCopies rc = r.traced() ? ReceiveCopies.of(r.trace(), r.receiverTids(), bytes) : null;
        PathCount p = r.traced() ? PathCount.of(r.trace()) : null;
        double rx = rc == null ? Double.NaN : rc.perByte();
        double tx = zc.complete() ? (double) zc.sendsReportedCopied() / zc.sends() : Double.NaN;
        double between =
                p == null || p.dataSkbsSent() == 0 ? Double.NaN : 1 - (double) p.sameSkbReceived() / p.dataSkbsSent();
        double cpu = r.untraced().cpuNanosPerByte();
        double cacheNs = KernelEvidence.memcpyNanosPerByte(memcpy, KernelEvidence.WRITE);
        long largest =
                memcpy.stream().mapToLong(MemcpyBaseline.Point::size).max().orElseThrow();
        double dramNs = KernelEvidence.memcpyNanosPerByte(memcpy, largest);

        String rxLine = rc == null
                ? "receive side not observed: tracefs " + r.traceUnavailable()
                : String.format(
                        "receive side (measured): %d skb:skb_copy_datagram_iovec events of the receiving process copied %d of %d payload bytes into user memory = %.3f copies per byte",
                        rc.events(), rc.bytes(), bytes, rx);
        String txLine = zc.unavailable() != null
                ? "send side not observed: " + zc.unavailable()
                : !zc.complete()
                        ? String.format(
                                "send side: only %d of %d MSG_ZEROCOPY sends were completed within the wait",
                                zc.sendsCompleted(), zc.sends())
                        : String.format(
                                "send side (kernel-reported): %d of %d send(MSG_ZEROCOPY) calls of %s completed with SO_EE_CODE_ZEROCOPY_COPIED — the kernel copied even when asked not to; "
                                        + "a plain write() copies into the socket buffer in tcp_sendmsg (inferred, not traced)",
                                zc.sendsReportedCopied(), zc.sends(), Bytes.human(KernelEvidence.WRITE));
        boolean allFollowed = between == 0;
        String betweenLine = p == null
                ? "kernel-to-kernel: not observed (no trace)"
                : String.format(
                        "kernel-to-kernel (measured): %d of %d data skbs that left through lo arrived at netif_receive_skb as the same skb (same address); "
                                + "%d of them were copied to the reader from that same skb (the others were coalesced into an earlier skb on the receive queue) — %s",
                        p.sameSkbReceived(),
                        p.dataSkbsSent(),
                        p.sameSkbCopied(),
                        allFollowed
                                ? "the buffer moves by pointer, no copy between"
                                : "the rest could not be followed (their receive may have run in ksoftirqd, outside the task filter); for those the trace says nothing either way");
        String cpuLine = String.format(
                "CPU (inferred): both peers spent %.3f ns per byte on the untraced run of the same transfer = %.2f cache-resident memcpy (%.3f ns/B at %s) or %.2f DRAM memcpy (%.3f ns/B at %s) equivalents",
                cpu,
                cpu / cacheNs,
                cacheNs,
                Bytes.human(KernelEvidence.WRITE),
                cpu / dramNs,
                dramNs,
                Bytes.human(largest));

        List<Stage> stages = List.of(
                new Stage("user → kernel (send)", 1, 0, tx, "MSG_ZEROCOPY notices: share reported COPIED"),
                new Stage(
                        "kernel → socket buffer",
                        1,
                        0,
                        between,
                        "share of data skbs not seen arriving as the same skb (not followed; 0 = every one arrived as itself)"),
                new Stage(
                        "socket buffer → kernel receive",
                        1,
                        0,
                        between,
                        "as above: lo hands the transmitted skb itself to the receive path"),
                new Stage("kernel receive → user", 1, 0, rx, "skb_copy_datagram_iovec bytes per payload byte"));
        o.table("stages", RecordTable.of("stages", Stage.class, stages));
        if (zc.unavailable() == null)
            o.table(
                    "zerocopy-notices",
                    RecordTable.of("zerocopy-notices", ZerocopyNotices.Completion.class, zc.completions()));

        Verdict v1 = judgeZeroCopy(rx, tx);
        double total = (Double.isNaN(rx) ? 0 : rx) + (Double.isNaN(tx) ? 0 : tx);
        String v1Reason = v1 == Verdict.NOT_TESTABLE_HERE
                ? "Neither side's copies can be observed here: " + rxLine + "; " + txLine
                : null;
        o.verdict(
                v1Reason != null
                        ? KernelEvidence.notTestable(ctx, "TLDR-2", KernelEvidence.traceLack(ctx), v1Reason)
                        : ctx.judged("TLDR-2", v1)
                                .summary(String.format(
                                        "The kernel copies each byte %s: %s",
                                        Double.isNaN(rx) || Double.isNaN(tx)
                                                ? "at least once (one side observed)"
                                                : String.format("%.2f times (send %.2f, receive %.2f)", total, tx, rx),
                                        v1 == Verdict.REFUTED
                                                ? "from the sender's buffer into an skb, and from that skb into the receiver's buffer. There is no user-to-user path."
                                                : v1 == Verdict.SUPPORTED
                                                        ? "no copy was reported on either side."
                                                        : "some bytes were copied."))
                                .measured(total, "copies/byte")
                                .claimed(0.0)
                                .evidence(List.of(
                                        rxLine,
                                        txLine,
                                        KernelEvidence.SOURCE_MSG_ZEROCOPY_LOOPBACK,
                                        betweenLine,
                                        KernelEvidence.receiveQueue(r),
                                        "the receive API that could avoid the copy: "
                                                + KernelEvidence.zerocopyReceiveLine(zcRx),
                                        cpuLine,
                                        ZERO_COPY.evidence()))
                                .build());

        // the copies the kernel reports; a skb that could not be followed is not counted as a copy
        double today = Double.isNaN(rx) || Double.isNaN(tx) ? Double.NaN : rx + tx;
        Verdict v2 = judgeFourCopies(today);
        o.verdict(
                v2 == Verdict.NOT_TESTABLE_HERE
                        ? KernelEvidence.notTestable(
                                ctx,
                                "HIST-1",
                                KernelEvidence.traceLack(ctx),
                                "Both sides' copies are needed to count them: " + rxLine + "; " + txLine)
                        : ctx.judged("HIST-1", v2)
                                .summary(String.format(
                                        "A byte is copied %.2f times on this kernel's loopback path (send %.2f, receive %.2f)%s",
                                        today,
                                        tx,
                                        rx,
                                        allFollowed
                                                ? ", none between: the 'kernel → socket buffer' and 'socket buffer → kernel receive' copies of the article's list do not exist — the skb is the socket buffer, and lo passes it on by pointer."
                                                : String.format(
                                                        "; %.0f%% of data skbs could not be followed from lo's transmit to the receive path, so the middle stages are not fully observed.",
                                                        between * 100)))
                                .measured(today, "copies/byte")
                                .claimed(4.0)
                                .evidence(List.of(
                                        txLine,
                                        betweenLine,
                                        KernelEvidence.receiveQueue(r),
                                        rxLine,
                                        cpuLine,
                                        "whether this kernel has any other loopback path than the one measured: FAST-1 (kernel-symbols)",
                                        FOUR_COPIES.evidence()))
                                .build());
        o.figure(figure(stages));
        return o;
    }

    private static Figure figure(List<Stage> stages) {
        CategoryChart c = Charts.bars("TLDR-2 / HIST-1: copies per byte, stage by stage", "", "copies per byte");
        List<String> names = stages.stream().map(Stage::stage).toList();
        c.addSeries(
                        "article, old path (HIST-1)",
                        names,
                        stages.stream().map(Stage::articleOldPath).toList())
                .setFillColor(new Color(0xE6, 0x9F, 0x00));
        c.addSeries(
                        "article, loopback (TLDR-2): 0",
                        names,
                        stages.stream().map(Stage::articleLoopback).toList())
                .setFillColor(Charts.CLAIM);
        c.addSeries(
                        "measured",
                        names,
                        stages.stream()
                                .map(s -> Double.isNaN(s.measured()) ? 0 : s.measured())
                                .toList())
                .setFillColor(Charts.MEASURED);
        return new Figure(
                "copies-per-byte",
                List.of("TLDR-2", "HIST-1"),
                "Measured: receive copies from skb:skb_copy_datagram_iovec; the middle stages from following each data skb by address from lo's "
                        + "transmit to the receive path (0 = the same skb arrived, nothing copied). Kernel-reported: the send stage is the share of "
                        + "MSG_ZEROCOPY sends the kernel says it copied; that a plain write copies there is inferred. A stage not observed on this host is drawn at 0 and named in the evidence.",
                c);
    }
}

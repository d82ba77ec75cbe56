package lab.loopback.experiments;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.KnownPattern;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.measurements.FileTransfers;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringOp;
import lab.loopback.uring.IoUringSupport;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.FileSenders;
import lab.loopback.zerocopy.KernelNotices;
import lab.loopback.zerocopy.MemorySenders;
import lab.loopback.zerocopy.PinLimitException;
import org.knowm.xchart.CategoryChart;

/**
 * URING-2: "over loopback, app never copies and kernel never copies". write(2) against io_uring SEND and SEND_ZC
 * (with IORING_SEND_ZC_REPORT_USAGE) of 64 KiB pieces to a verifying reader process, rounds interleaved; the
 * notification CQEs say whether the kernel copied, and the receiver's copies come from the file-transfer trace.
 */
@Measures(
        name = "io-uring-sends",
        claims = {"URING-2"})
public final class IoUringSends implements Experiment {
    static final int CHUNK = 64 * 1024;
    static final List<String> MODES = List.of("write", "uring-send", "uring-send-zc");

    public record Trial(
            String mode,
            int round,
            long bytes,
            double seconds,
            double gbitPerSecond,
            double senderCpuNsPerByte,
            long enterOrWriteCalls,
            long zeroCopySends,
            long notificationsReported,
            long notificationsSayCopied) {}

    public record Summary(
            String mode,
            double gbit,
            double low,
            double high,
            double ratioToWrite,
            long zeroCopySends,
            long saysCopied) {}

    /** SEND_ZC requests made, and the kernel's notices among them that say it copied. */
    record Notices(long sends, long saysCopied) {}

    static final Rule<Notices> RULE = Rule.<Notices>forClaim("URING-2")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.below("SEND_ZC requests completed", n -> n.sends(), 1, Shown.PLAIN))
            .when(
                    Verdict.SUPPORTED,
                    Condition.below(
                            "notifications saying the kernel copied (IORING_NOTIF_USAGE_ZC_COPIED)",
                            n -> n.saysCopied(),
                            1,
                            Shown.PLAIN))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(long zcSends, long saysCopied) {
        return RULE.judge(new Notices(zcSends, saysCopied));
    }

    /** URING-2 from the recorded summary table: the kernel's notices of the SEND_ZC row. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        Summary zc = r.first("summary", Summary.class, s -> s.mode().equals("uring-send-zc"), "for uring-send-zc");
        return new RecordedRule.Judgement(
                judge(zc.zeroCopySends(), zc.saysCopied()),
                null,
                String.format(
                        "%d SEND_ZC requests, %d notices saying the kernel copied",
                        zc.zeroCopySends(), zc.saysCopied()));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        IoUringSupport.Availability a = IoUringSupport.check();
        if (!a.available()) {
            o.verdict(KernelEvidence.notTestable(ctx, "URING-2", Lack.IO_URING, a.reason()));
            return o;
        }
        String noZc = IoUringSupport.unsupported(IoUringOp.SEND_ZC);
        if (noZc != null) { // a kernel before 6.0: what it lacks is the finding, not an EINVAL mid-transfer
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "URING-2",
                    Lack.KERNEL,
                    noZc + "; IORING_OP_SEND_ZC arrived in Linux 6.0, REPORT_USAGE in 6.2"));
            return o;
        }
        String pinLimit = MemorySenders.sendZcUnfit(CHUNK);
        if (pinLimit != null) {
            o.verdict(KernelEvidence.notTestable(ctx, "URING-2", Lack.LOCKED_MEMORY, pinLimit));
            return o;
        }
        var p = ctx.profile();
        List<Trial> trials = new ArrayList<>();
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 600);
                IoUring ring = IoUring.setup(8, 0);
                Arena arena = Arena.ofConfined()) {
            KnownPattern pattern = new KnownPattern(arena, CHUNK);
            for (int round = -1; round < p.trials; round++) { // round -1 warms up
                ctx.progress("write vs io_uring SEND vs SEND_ZC, round " + (round + 2) + " of " + (p.trials + 1));
                for (String mode : MODES) {
                    KernelNotices n = new KernelNotices();
                    StreamTrial t = StreamRunner.verified(runner.trial(
                            CHUNK,
                            p.trialSeconds,
                            round < 0 ? "warmup" : "timed",
                            round,
                            c -> {},
                            (c, deadline) -> switch (mode) {
                                case "write" ->
                                    MemorySenders.write(c.fd(), pattern::slice, p.trialMaxBytes, CHUNK, deadline);
                                case "uring-send" ->
                                    MemorySenders.uring(
                                            ring, c.fd(), pattern::slice, p.trialMaxBytes, CHUNK, false, deadline, n);
                                default ->
                                    MemorySenders.uring(
                                            ring, c.fd(), pattern::slice, p.trialMaxBytes, CHUNK, true, deadline, n);
                            },
                            c -> {}));
                    if (round >= 0)
                        trials.add(new Trial(
                                mode,
                                round,
                                t.bytesReceived(),
                                t.seconds(),
                                t.gbitPerSecond(),
                                (t.senderUserNanos() + t.senderSysNanos()) / (double) t.bytesReceived(),
                                t.writes(),
                                n.sends(),
                                n.reported(),
                                n.copied()));
                }
            }
        } catch (PinLimitException e) { // this user's other pinned memory left too little: not this kernel's doing
            o.verdict(KernelEvidence.notTestable(ctx, "URING-2", Lack.LOCKED_MEMORY, e.getMessage()));
            return o;
        }
        o.table("trials", RecordTable.of("trials", Trial.class, trials));
        double writeMedian = Estimate.ofMedian(of(trials, "write")).median();
        List<Summary> sum = new ArrayList<>();
        for (String m : MODES) {
            Estimate e = Estimate.ofMedian(of(trials, m));
            sum.add(new Summary(
                    m,
                    e.median(),
                    e.low(),
                    e.high(),
                    e.median() / writeMedian,
                    trials.stream()
                            .filter(t -> t.mode().equals(m))
                            .mapToLong(Trial::zeroCopySends)
                            .sum(),
                    trials.stream()
                            .filter(t -> t.mode().equals(m))
                            .mapToLong(Trial::notificationsSayCopied)
                            .sum()));
        }
        o.table("summary", RecordTable.of("summary", Summary.class, sum));
        Summary zc = sum.get(2);
        long reported = trials.stream()
                .filter(t -> t.mode().equals("uring-send-zc"))
                .mapToLong(Trial::notificationsReported)
                .sum();
        Verdict v = judge(zc.zeroCopySends(), zc.saysCopied());
        FileTransfers.Result files = FileTransfers.of(ctx);
        FileTransfers.Traced recv = files.traced(FileSenders.URING_SEND_ZC);
        List<String> ev = new ArrayList<>(List.of(
                String.format(
                        "notification CQEs (IORING_CQE_F_NOTIF) of %d SEND_ZC requests: %d received, %d carry IORING_NOTIF_USAGE_ZC_COPIED — the kernel's own word that it copied",
                        zc.zeroCopySends(), reported, zc.saysCopied()),
                String.format(
                        "throughput at 64 KiB (median of %d interleaved rounds): write %.1f, io_uring SEND %.1f (%.2f× write), SEND_ZC %.1f Gbit/s (%.2f× write)",
                        p.trials,
                        writeMedian,
                        sum.get(1).gbit(),
                        sum.get(1).ratioToWrite(),
                        zc.gbit(),
                        zc.ratioToWrite()),
                recv == null
                        ? "receiver copies: not traced (" + files.traceUnavailable() + ")"
                        : String.format(
                                "the receiving read() still copies %.2f of every byte a SEND_ZC sender moved (skb:skb_copy_datagram_iovec, file transfer uring-send-zc)",
                                recv.receiverCopiesPerByte()),
                "why: a zero-copy skb headed for a local socket has its pages copied before delivery (skb_orphan_frags_rx in net/core), so the user's pages are released at once",
                RULE.evidence()));
        o.verdict(ctx.judged("URING-2", v)
                .summary(String.format(
                        "Over loopback %d of %d SEND_ZC notifications say IORING_NOTIF_USAGE_ZC_COPIED%s — %s.",
                        zc.saysCopied(),
                        reported,
                        recv == null
                                ? ""
                                : String.format(
                                        ", and the reader's read() copies %.2f per byte", recv.receiverCopiesPerByte()),
                        v == Verdict.REFUTED
                                ? "the kernel does copy: the app avoids its copy only for the kernel to make it"
                                : "the kernel reports no copy on the send side"))
                .measured(
                        reported == 0 ? null : (double) zc.saysCopied() / reported,
                        "share of SEND_ZC notifications saying 'copied'")
                .claimed(0.0)
                .evidence(ev)
                .build());
        CategoryChart c = Charts.bars("URING-2: write vs io_uring SEND vs SEND_ZC over loopback, 64 KiB", "", "Gbit/s");
        c.addSeries("measured (median)", MODES, sum.stream().map(Summary::gbit).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries(
                        "notifications saying 'copied' (% of SEND_ZC)",
                        MODES, List.of(0.0, 0.0, reported == 0 ? 0.0 : 100.0 * zc.saysCopied() / reported))
                .setFillColor(Charts.CLAIM);
        o.figure(new Figure(
                "uring-sends",
                List.of("URING-2"),
                "Measured: throughput of each way of sending the same verified stream, and the share of SEND_ZC "
                        + "notification CQEs in which the kernel reports IORING_NOTIF_USAGE_ZC_COPIED (the article: the kernel never copies, i.e. 0 %).",
                c));
        return o;
    }

    private static double[] of(List<Trial> t, String mode) {
        return t.stream()
                .filter(x -> x.mode().equals(mode))
                .mapToDouble(Trial::gbitPerSecond)
                .toArray();
    }
}

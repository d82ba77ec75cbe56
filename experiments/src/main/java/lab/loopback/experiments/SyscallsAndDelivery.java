package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.TracedStream;
import lab.loopback.evidence.WakeupProbe;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measurements.FileTransfers;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.tools.Strace;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.FileSenders;
import org.knowm.xchart.CategoryChart;

/**
 * ZC-2: "in-kernel socket-to-socket zero-copy. No user interaction. No syscalls. Data is enqueued in one socket
 * and instantly dequeued from the other." Judged as the mechanism it names, the hop between the two sockets: is the
 * skb the sender's socket built the one that reaches the receiver's (followed by address, the shared traced
 * transfer), and in whose context (sk_data_ready inside the sender's own write(), the wake-up probe)? Reported apart,
 * what "dequeued" takes on the reader's side: the system calls both peers make per MiB moved — the harness's own
 * count, the kernel's (raw_syscalls:sys_enter of the two data threads) and strace's of the receiver — and the one-way
 * time to a reader blocked in read(), a wake-up and a copy.
 */
@Measures(
        name = "syscalls-and-delivery",
        claims = {"ZC-2"})
public final class SyscallsAndDelivery implements Experiment {

    public record PerMiB(String technique, String counter, double senderPerMiB, double receiverPerMiB) {}

    /** Both peers' system calls per MiB of the technique that needed fewest ({@code otherwise} when none was counted). */
    static double fewestPerMiB(List<PerMiB> rows, double otherwise) {
        return rows.stream()
                .filter(x -> !Double.isNaN(x.senderPerMiB()))
                .mapToDouble(x -> x.senderPerMiB() + x.receiverPerMiB())
                .min()
                .orElse(otherwise);
    }

    /** read+write's count: the kernel's where it was traced, else the harness's. */
    static Optional<PerMiB> readWrite(List<PerMiB> rows) {
        return rows.stream()
                .filter(x -> x.technique().equals(FileSenders.READ_WRITE))
                .reduce((a, b) -> b.counter().startsWith("kernel") ? b : a);
    }

    /** At or above this share of data skbs arriving as the same skb, the hop between the sockets is by pointer. */
    static final double BY_POINTER = 0.95;

    /**
     * What ZC-2's rule reads: the share of data skbs that reached the receive path as the skb lo transmitted (NaN when
     * not traced), the share of small writes whose sk_data_ready came inside the sender's write() (NaN: not traced;
     * reported, not judged), and both peers' system calls per MiB with the technique that needs fewest and with
     * read+write.
     */
    public record Hop(
            double byPointer, double readyWithinWrite, double fewestCallsPerMiB, double readWriteCallsPerMiB) {}

    static final Rule<Hop> RULE = Rule.<Hop>forClaim("ZC-2")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.fact("the hop between the sockets was not traced", h -> Double.isNaN(h.byPointer())))
            .when(
                    Verdict.REFUTED,
                    Condition.below(
                            "share of data skbs reaching the receiver's socket as the skb the sender's socket built",
                            Hop::byPointer,
                            BY_POINTER,
                            Shown.PERCENT))
            .when(
                    Verdict.SUPPORTED,
                    Condition.atMost(
                            "system calls per MiB that both peers make to move the data, with the technique that needs fewest",
                            Hop::fewestCallsPerMiB,
                            0,
                            Shown.PLAIN))
            .because("the hop is in-kernel and by pointer, inside the sender's own write(); the data leaves the "
                    + "receiver's socket only through the reader's read(), a system call that copies, after a wake-up")
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judge(Hop h) {
        return RULE.judge(h);
    }

    static final String UNIT = "system calls per MiB (both peers, read+write)";

    /**
     * ZC-2 from the recorded hop facts; a run made before they were recorded gives them through the tables of the
     * shared measurements (pointers-and-copies' movements, wake-up's breakdown) and its own syscalls-per-mib table.
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        Hop h = r.view().tables().containsKey(Outcome.factsTable("ZC-2")) ? r.facts(Hop.class) : fromShared(r);
        return new RecordedRule.Judgement(
                judge(h),
                h.readWriteCallsPerMiB(),
                String.format(
                        "%.3f of data skbs by pointer, %.3f of writes ready within the write, fewest system calls per MiB %.1f (read+write %.1f)",
                        h.byPointer(), h.readyWithinWrite(), h.fewestCallsPerMiB(), h.readWriteCallsPerMiB()),
                UNIT);
    }

    private static Hop fromShared(Recorded r) {
        List<PerMiB> rows = r.rows("syscalls-per-mib", PerMiB.class);
        PerMiB plain = readWrite(rows)
                .orElseThrow(() -> new Recorded.MissingTableException(
                        "the run's table 'syscalls-per-mib' of syscalls-and-delivery has no row for read-write"));
        double total = plain.senderPerMiB() + plain.receiverPerMiB();
        double pointer = r.other("pointers-and-copies")
                .first(
                        "movements",
                        PointersAndCopies.Movement.class,
                        m -> m.how().equals("by pointer"),
                        "by pointer")
                .measured();
        List<WakeupProbe.Breakdown> b = WakeUp.breakdown(r.other("wake-up"));
        return new Hop(pointer, withinWrite(b), fewestPerMiB(rows, total), total);
    }

    static double withinWrite(List<WakeupProbe.Breakdown> b) {
        return b.isEmpty()
                ? Double.NaN
                : b.stream().filter(WakeupProbe.Breakdown::readyWithinWrite).count() / (double) b.size();
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        FileTransfers.Result r = FileTransfers.of(ctx);
        List<PerMiB> rows = new ArrayList<>();
        for (String id : FileSenders.ids()) {
            List<FileTransfers.Row> warm = r.warm(id);
            if (warm.isEmpty()) continue;
            double mib = warm.getFirst().bytes() / 1048576.0;
            rows.add(new PerMiB(
                    id,
                    "harness",
                    warm.getFirst().senderCalls() / mib,
                    warm.getFirst().receiverReads() / mib));
            FileTransfers.Traced t = r.traced(id);
            if (t != null)
                rows.add(new PerMiB(
                        id,
                        "kernel (raw_syscalls:sys_enter)",
                        t.senderSyscalls() / (t.bytes() / 1048576.0),
                        t.receiverSyscalls() / (t.bytes() / 1048576.0)));
        }
        ctx.progress("strace -c -f on the receiving process during one read+write transfer");
        long bytes = ctx.profile().tracedBytes;
        Strace.Summary st;
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 300)) {
            StreamRunner.verified(runner.trial(FileTransfers.CHUNK, 30, bytes, "warmup", 0));
            st = Strace.during(
                    runner.receiverPid(),
                    () -> StreamRunner.verified(runner.trial(FileTransfers.CHUNK, 30, bytes, "strace", 0)));
        }
        if (st.unavailable() == null)
            rows.add(new PerMiB(
                    FileSenders.READ_WRITE,
                    "strace -c -f (receiver process)",
                    Double.NaN,
                    st.of("read", "recvfrom") / (bytes / 1048576.0)));
        o.table("syscalls-per-mib", RecordTable.of("syscalls-per-mib", PerMiB.class, rows));
        List<WakeupProbe.Result> w = KernelEvidence.wakeup(ctx);
        String oneWay = KernelEvidence.oneWayMedians(w);
        PerMiB plain = readWrite(rows).orElseThrow();
        PerMiB harness = rows.getFirst();
        double total = plain.senderPerMiB() + plain.receiverPerMiB();
        double fewest = fewestPerMiB(rows, total);
        TracedStream.Result tr = KernelEvidence.traced(ctx);
        PathCount p = tr.traced() ? PathCount.of(tr.trace()) : null;
        double pointer =
                p == null || p.dataSkbsSent() == 0 ? Double.NaN : p.sameSkbReceived() / (double) p.dataSkbsSent();
        List<WakeupProbe.Breakdown> traced = new ArrayList<>();
        w.stream().filter(x -> x.trace() != null).forEach(x -> traced.addAll(WakeupProbe.breakdown(x)));
        double within = withinWrite(traced);
        Hop hop = o.facts("ZC-2", Hop.class, new Hop(pointer, within, fewest, total));
        Verdict v = judge(hop);
        List<String> ev = new ArrayList<>();
        ev.add(
                p == null
                        ? "the hop between the sockets: not traced (" + tr.traceUnavailable() + ")"
                        : String.format(
                                "the hop (observed): %d of %d data skbs that lo transmitted reached netif_receive_skb as the same skb — the sender's socket's skb is the receiver's, handed over by pointer",
                                p.sameSkbReceived(), p.dataSkbsSent()));
        ev.add(
                Double.isNaN(within)
                        ? "in whose context: not traced (" + w.getFirst().traceUnavailable() + ")"
                        : String.format(
                                "in whose context (observed): for %.0f%% of %d traced small writes the receiver's sk_data_ready fired before the sender's write() returned; it ran %s%s",
                                within * 100,
                                traced.size(),
                                WakeUp.contexts(traced),
                                traced.stream().allMatch(x -> x.readyIn().equals(WakeupProbe.IN_SENDER))
                                        ? " — for a small write, the hop runs in the sender's own system call (and the softirq it raises), not in a kernel thread of its own"
                                        : ""));
        ev.add("in a bulk transfer (the traced " + Bytes.human(KernelEvidence.WRITE) + "-write transfer): "
                + KernelEvidence.contextsLine(tr));
        ev.add(String.format(
                "what dequeuing takes: read+write, %s count: sender %.1f, receiver %.1f system calls per MiB",
                plain.counter(), plain.senderPerMiB(), plain.receiverPerMiB()));
        ev.add(String.format(
                "harness's own count (data calls only): sender %.1f, receiver %.1f per MiB",
                harness.senderPerMiB(), harness.receiverPerMiB()));
        ev.add(
                st.unavailable() == null
                        ? String.format(
                                "strace -c -f of the receiver process: %d read/recvfrom calls for %d MiB (%d calls of every kind, all threads)",
                                st.of("read", "recvfrom"), bytes >> 20, st.total())
                        : "strace: " + st.unavailable());
        ev.add(String.format("fewest of any technique: %.1f calls per MiB (both peers)", fewest));
        ev.add(
                "one-way delivery of a 16-byte message to a reader blocked in read() in another process (CLOCK_MONOTONIC in both, untraced), median per placement of the two threads: "
                        + oneWay);
        ev.add(RULE.evidence());
        o.figure(figure(rows));
        if (v == Verdict.NOT_TESTABLE_HERE) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "ZC-2",
                    KernelEvidence.traceLack(ctx),
                    "The hop between the two sockets is seen only through tracepoints: " + tr.traceUnavailable()
                            + String.format(
                                    ". Measured without them: %.0f system calls per MiB with read()/write(), at least %.1f with any technique.",
                                    total, fewest)));
            return o;
        }
        o.verdict(ctx.judged("ZC-2", v)
                .summary(
                        v == Verdict.REFUTED
                                ? String.format(
                                        "The hop between the sockets is not by pointer here: only %.0f%% of data skbs reached the receiver as the skb the sender built.",
                                        pointer * 100)
                                : String.format(
                                        "The socket-to-socket hop is in-kernel and by pointer (%.0f%% of data skbs arrived as the same skb), inside the sender's own write()%s. "
                                                + "But nothing is dequeued without the reader: it takes the reader's read() — %.0f system calls per MiB for both peers with read()/write() of 64 KiB, at least %.1f with any technique — and a wake-up: a message reached a reader blocked in read(), median from write() called, %s.",
                                        pointer * 100,
                                        Double.isNaN(within)
                                                ? ""
                                                : String.format(" (%.0f%% of small writes)", within * 100),
                                        total,
                                        fewest,
                                        oneWay))
                .measured(total, UNIT)
                .claimed(0.0)
                .evidence(ev)
                .build());
        return o;
    }

    private static Figure figure(List<PerMiB> rows) {
        List<PerMiB> shown = rows.stream()
                .filter(x -> !Double.isNaN(x.senderPerMiB()))
                .filter(x -> x.counter().startsWith("kernel"))
                .toList();
        if (shown.isEmpty())
            shown = rows.stream().filter(x -> x.counter().equals("harness")).toList();
        CategoryChart c = Charts.bars(
                "ZC-2: system calls per MiB moved over loopback ("
                        + shown.getFirst().counter() + ")",
                "",
                "calls per MiB");
        List<String> names = shown.stream().map(PerMiB::technique).toList();
        c.addSeries("article: no syscalls", names, shown.stream().map(x -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        c.addSeries("sender", names, shown.stream().map(PerMiB::senderPerMiB).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries(
                        "receiver",
                        names,
                        shown.stream().map(PerMiB::receiverPerMiB).toList())
                .setFillColor(Charts.REFERENCE);
        c.getStyler().setXAxisLabelRotation(30);
        return new Figure(
                "zc2-syscalls",
                List.of("ZC-2"),
                "Measured: system calls of the sending and the receiving thread per MiB of a verified file transfer, 64 KiB pieces; the kernel's count where tracefs allows, else the harness's. The article: none.",
                c);
    }
}

package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.chart.Charts;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measurements.FileTransfers;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.FileSenders;
import org.knowm.xchart.CategoryChart;

/**
 * ZC-1 ("mmap, splice, sendfile and io_uring are user-to-kernel zero-copy techniques"), SPL-1 ("file → page
 * cache → pipe → peer socket, all without copying") and SPL-2 ("SPLICE_F_MOVE makes it move rather than
 * copy"), from one shared measurement ({@link FileTransfers}): each technique moving the same verified file.
 *
 * <p>The send side is judged from the kernel's testimony where there is some: MSG_ZEROCOPY / SEND_ZC by their
 * completion notices (the kernel says whether it copied), every other technique by which calls carried its payload
 * in the kernel's trace of the sending thread (a write() hands the kernel a user buffer to copy from; sendfile(),
 * splice() and io_uring's SPLICE take none). Only without tracefs does the sender's CPU per byte decide, relative to
 * read+write's in the same round (which copies every byte twice): an inference, and a weak one on loopback, where
 * the sender's thread also runs the receive path's softirq and the copy is a tenth of its cost. The receive side is
 * the kernel's own count (skb:skb_copy_datagram_iovec).
 */
@Measures(
        name = "zero-copy-techniques",
        claims = {"ZC-1", "SPL-1", "SPL-2"})
public final class ZeroCopyTechniques implements Experiment {
    /**
     * Without a trace, a technique "avoids the send-side copy" when its sender costs at most this share of
     * read+write's. Three quick runs on a fresh 2-vCPU VM put sendfile at 0.73, 0.97 and 0.95 of it, splice at 0.81,
     * 1.19 and 0.59: the CPU saved by the copy is about the size of the round-to-round noise, hence the trace first.
     */
    static final double NO_COPY = 0.75;
    /** The receive side counts as copying every byte at or above this. */
    static final double COPIES_ALL = 0.9;
    /** Receiver copies per byte closer than this are the same with and without SPLICE_F_MOVE. */
    static final double SAME_COPIES = 0.05;

    private static final String SPLICE_UNIT = "× read+write's sender CPU per byte (splice, SPLICE_F_MOVE)";

    /**
     * What SPL-2's rule reads: the receiver's copies per byte with and without SPLICE_F_MOVE (NaN untraced), or,
     * untraced, the paired rounds' sender CPU per byte with − without (null when traced).
     */
    record MoveFlag(double copiesWith, double copiesWithout, Estimate senderCpuDelta) {
        double copiesMoved() {
            return Math.abs(copiesWith - copiesWithout);
        }

        boolean traced() {
            return !Double.isNaN(copiesWith) && !Double.isNaN(copiesWithout);
        }
    }

    /** SPL-2: the flag changes nothing when the copies (or, untraced, the CPU cost) stay the same with and without it. */
    static final Rule<MoveFlag> MOVE_FLAG = Rule.<MoveFlag>forClaim("SPL-2")
            .when(
                    Verdict.REFUTED,
                    Condition.below(
                                    "|receiver copies per byte with − without SPLICE_F_MOVE|",
                                    MoveFlag::copiesMoved,
                                    SAME_COPIES,
                                    Shown.PLAIN)
                            .and(Condition.atLeast(
                                    "receiver copies per byte with the flag",
                                    MoveFlag::copiesWith,
                                    COPIES_ALL,
                                    Shown.PLAIN))
                            .or(Condition.<MoveFlag>fact("untraced", m -> !m.traced())
                                    .and(Condition.fact(
                                            "the interval of the paired rounds' sender CPU per byte with − without holds 0 (inferred)",
                                            m -> m.senderCpuDelta() != null
                                                    && m.senderCpuDelta().hasInterval()
                                                    && m.senderCpuDelta().low() <= 0
                                                    && m.senderCpuDelta().high() >= 0))))
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judgeSplice(Summary splice) {
        return SPLICE.judge(splice);
    }

    static Verdict judgeMoveFlag(double copiesWith, double copiesWithout) {
        return MOVE_FLAG.judge(new MoveFlag(copiesWith, copiesWithout, null));
    }

    static Verdict judgeMoveFlagUntraced(Estimate senderCpuDelta) {
        return MOVE_FLAG.judge(new MoveFlag(Double.NaN, Double.NaN, senderCpuDelta));
    }
    /** The article's four techniques and the measured senders that stand for each. */
    static final Map<String, List<String>> ARTICLE = new LinkedHashMap<>();

    static {
        ARTICLE.put("mmap()", List.of(FileSenders.MMAP_WRITE));
        ARTICLE.put("splice()", List.of(FileSenders.SPLICE, FileSenders.SPLICE_MOVE, FileSenders.VMSPLICE));
        ARTICLE.put("sendfile()", List.of(FileSenders.SENDFILE));
        ARTICLE.put("io_uring", List.of(FileSenders.URING_SPLICE, FileSenders.URING_SEND_ZC));
    }

    /**
     * Per technique: median throughput, CPU (and its ratio to read+write's within a round), the receiver's copies, the
     * zero-copy notices, and the sender's payload calls in the traced transfer (-1 for both when untraced).
     */
    public record Summary(
            String technique,
            String sendSide,
            double warmGbit,
            double warmLow,
            double warmHigh,
            double coldGbit,
            double ratioToReadWrite,
            double senderCpuNsPerByte,
            double senderCpuVsReadWrite,
            double receiverCopiesPerByte,
            long zeroCopySends,
            long kernelSaysCopied,
            double syscallsPerMiB,
            long payloadCallsFromUser,
            long payloadCallsByReference,
            String payloadCalls) {}

    /** Per article technique measured here: whether any of its senders avoided the send-side copy. */
    static Map<String, Boolean> avoiding(List<Summary> sum) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (var e : ARTICLE.entrySet()) {
            List<Summary> members = e.getValue().stream()
                    .map(id -> find(sum, id))
                    .filter(x -> x != null)
                    .toList();
            if (!members.isEmpty()) out.put(e.getKey(), members.stream().anyMatch(ZeroCopyTechniques::avoidsSendCopy));
        }
        return out;
    }

    /** Whether the sender skipped the user→kernel copy, on the best witness it has (see the class comment). */
    static final Condition<Summary> AVOIDS_SEND_COPY = Condition.<Summary>fact(
                    "the kernel's zero-copy notices (MSG_ZEROCOPY, SEND_ZC) say nothing was copied",
                    s -> sendSideWitness(s) == Witness.NOTICES && s.kernelSaysCopied() == 0)
            .or(Condition.fact(
                    "without notices, in the kernel's trace of the sending thread most calls that carried the payload took no user buffer "
                            + "(sendfile, splice, vmsplice, io_uring SPLICE) rather than one to copy from (write, sendto, io_uring SEND) "
                            + "(the calls observed, the copy inferred from them)",
                    s -> sendSideWitness(s) == Witness.TRACE && s.payloadCallsByReference() > s.payloadCallsFromUser()))
            .or(Condition.<Summary>fact("untraced", s -> sendSideWitness(s) == Witness.CPU)
                    .and(Condition.atMost(
                            "its sender's CPU per byte ÷ read+write's in the same round (median over the rounds; inferred)",
                            Summary::senderCpuVsReadWrite,
                            NO_COPY,
                            Shown.TIMES)));

    /**
     * SPL-1, "file → page cache → pipe → peer socket, all without copying": the hops the chain names, judged on the
     * article's splice sender (SPLICE_F_MOVE). The chain ends at the peer socket; the reader's copy out of it is
     * reported beside the verdict, not judged as part of the chain.
     */
    static final Rule<Summary> SPLICE = Rule.<Summary>forClaim("SPL-1")
            .when(Verdict.SUPPORTED, AVOIDS_SEND_COPY)
            .because("page-cache pages are referenced into the pipe and into skb frags, and lo hands the skb to the "
                    + "peer socket by pointer; a sender that copies breaks the chain")
            .otherwise(Verdict.REFUTED);

    /** One of the article's techniques and whether any of the senders that stand for it avoided the send-side copy. */
    record Group(String technique, boolean avoids) {}

    private static final Condition<Group> GROUP_AVOIDS = Condition.fact(
            "one of its senders avoids the send-side copy — " + AVOIDS_SEND_COPY.describe(), Group::avoids);
    static final Rule<List<Group>> ZC1 = Rule.<List<Group>>forClaim("ZC-1")
            .when(Verdict.SUPPORTED, Condition.every("technique of the article's", g -> g, GROUP_AVOIDS))
            .when(Verdict.PARTLY_TRUE, Condition.some("technique of the article's", g -> g, GROUP_AVOIDS))
            .otherwise(Verdict.REFUTED);

    static Verdict judgeZc1(Map<String, Boolean> avoiding) {
        return ZC1.judge(avoiding.entrySet().stream()
                .map(e -> new Group(e.getKey(), e.getValue()))
                .toList());
    }

    /** ZC-1 from the recorded techniques table: which of the article's technique groups avoid the send-side copy. */
    static RecordedRule.Judgement fromTablesZc1(Recorded r) {
        Map<String, Boolean> avoiding = avoiding(r.rows("techniques", Summary.class));
        if (avoiding.isEmpty())
            throw new Recorded.MissingTableException(
                    "the run's table 'techniques' of zero-copy-techniques has none of the article's techniques");
        return new RecordedRule.Judgement(judgeZc1(avoiding), null, "send-side copy avoided, by group: " + avoiding);
    }

    /** SPL-1 from the recorded techniques table: the splice transfer's receiver copies per byte. */
    static RecordedRule.Judgement fromTablesSplice(Recorded r) {
        Summary sp = r.first(
                "techniques",
                Summary.class,
                s -> s.technique().equals(FileSenders.SPLICE_MOVE),
                "for " + FileSenders.SPLICE_MOVE);
        return new RecordedRule.Judgement(
                judgeSplice(sp),
                sp.senderCpuVsReadWrite(),
                String.format(
                        "the splice sender: %s; its receiver copied %.3f bytes per byte (beside the chain)",
                        sendSideEvidence(sp), sp.receiverCopiesPerByte()),
                SPLICE_UNIT);
    }

    /**
     * SPL-2 from the recorded traced table (receiver copies with and without SPLICE_F_MOVE) or, untraced, the
     * trials table (the paired rounds' sender CPU per byte, with − without).
     */
    static RecordedRule.Judgement fromTablesMoveFlag(Recorded r) {
        if (r.view().tables().containsKey("traced")) {
            List<FileTransfers.Traced> t = r.rows("traced", FileTransfers.Traced.class);
            FileTransfers.Traced with = t.stream()
                    .filter(x -> x.technique().equals(FileSenders.SPLICE_MOVE))
                    .findFirst()
                    .orElse(null);
            FileTransfers.Traced without = t.stream()
                    .filter(x -> x.technique().equals(FileSenders.SPLICE))
                    .findFirst()
                    .orElse(null);
            if (with != null && without != null) {
                return new RecordedRule.Judgement(
                        judgeMoveFlag(with.receiverCopiesPerByte(), without.receiverCopiesPerByte()),
                        null,
                        String.format(
                                "receiver copies per byte: %.3f with SPLICE_F_MOVE, %.3f without",
                                with.receiverCopiesPerByte(), without.receiverCopiesPerByte()));
            }
        }
        List<FileTransfers.Row> rows = r.rows("trials", FileTransfers.Row.class);
        List<FileTransfers.Row> with = warm(rows, FileSenders.SPLICE_MOVE), without = warm(rows, FileSenders.SPLICE);
        int n = Math.min(with.size(), without.size());
        double[] dCpu = new double[n];
        for (int i = 0; i < n; i++)
            dCpu[i] = with.get(i).senderCpuNsPerByte() - without.get(i).senderCpuNsPerByte();
        Estimate c = Estimate.ofMedian(dCpu);
        return new RecordedRule.Judgement(
                judgeMoveFlagUntraced(c), null, "untraced: sender CPU with − without, " + c.format("%+.3f") + " ns/B");
    }

    private static List<FileTransfers.Row> warm(List<FileTransfers.Row> rows, String technique) {
        return rows.stream()
                .filter(x -> x.technique().equals(technique) && x.cache().equals("warm"))
                .toList();
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        FileTransfers.Result r = FileTransfers.of(ctx);
        double memcpy = KernelEvidence.memcpyNanosPerByte(KernelEvidence.memcpy(ctx), r.fileBytes());
        o.table("trials", RecordTable.of("trials", FileTransfers.Row.class, r.rows()));
        if (!r.traced().isEmpty()) o.table("traced", RecordTable.of("traced", FileTransfers.Traced.class, r.traced()));
        List<Summary> sum = summaries(r);
        o.table("techniques", RecordTable.of("techniques", Summary.class, sum));
        o.figure(throughputFigure(sum, r));
        o.figure(copiesFigure(sum));
        o.verdict(zc1(ctx, sum, r, memcpy));
        o.verdict(spl1(ctx, sum, r, KernelEvidence.zerocopyReceiveLine(KernelEvidence.zerocopyReceive(ctx))));
        o.verdict(spl2(ctx, r));
        if (!r.skipped().isEmpty()) o.note("Not measured: " + String.join("; ", r.skipped()));
        return o;
    }

    /** One row per technique measured: warm throughput with its interval, cold, CPU, copies and calls per MiB. */
    static List<Summary> summaries(FileTransfers.Result r) {
        double rwGbit = Estimate.ofMedian(r.warm(FileSenders.READ_WRITE).stream()
                        .mapToDouble(FileTransfers.Row::gbitPerSecond)
                        .toArray())
                .median();
        List<Summary> sum = new ArrayList<>();
        for (String id : FileSenders.ids()) if (r.has(id)) sum.add(summary(r, id, rwGbit));
        return sum;
    }

    private static Summary summary(FileTransfers.Result r, String id, double rwGbit) {
        List<FileTransfers.Row> warm = r.warm(id);
        Estimate g = Estimate.ofMedian(
                warm.stream().mapToDouble(FileTransfers.Row::gbitPerSecond).toArray());
        double cpu = Estimate.ofMedian(warm.stream()
                        .mapToDouble(FileTransfers.Row::senderCpuNsPerByte)
                        .toArray())
                .median();
        double cpuRatio = pairedCpuRatio(warm, r.warm(FileSenders.READ_WRITE));
        double cold = r.rows().stream()
                .filter(x -> x.technique().equals(id) && x.cache().equals("cold"))
                .mapToDouble(FileTransfers.Row::gbitPerSecond)
                .findFirst()
                .orElse(Double.NaN);
        FileTransfers.Traced t = r.traced(id);
        long zs = warm.stream().mapToLong(FileTransfers.Row::zeroCopySends).sum(),
                zc =
                        warm.stream()
                                .mapToLong(FileTransfers.Row::kernelSaysCopied)
                                .sum();
        return new Summary(
                id,
                FileSenders.byId(id).sendSide(),
                g.median(),
                g.low(),
                g.high(),
                cold,
                g.median() / rwGbit,
                cpu,
                cpuRatio,
                t == null ? Double.NaN : t.receiverCopiesPerByte(),
                zs,
                zc,
                t == null ? Double.NaN : (t.senderSyscalls() + t.receiverSyscalls()) / (t.bytes() / 1048576.0),
                t == null ? -1 : t.payloadCallsFromUser(),
                t == null ? -1 : t.payloadCallsByReference(),
                t == null ? "" : t.payloadCalls());
    }

    /**
     * The median over rounds of this technique's sender CPU per byte ÷ read+write's in the same round (rounds
     * interleave the techniques, so a pair shares the host's state then).
     */
    static double pairedCpuRatio(List<FileTransfers.Row> technique, List<FileTransfers.Row> readWrite) {
        Map<Integer, Double> base = new HashMap<>();
        readWrite.forEach(b -> base.put(b.round(), b.senderCpuNsPerByte()));
        double[] ratios = technique.stream()
                .filter(t -> base.containsKey(t.round()))
                .mapToDouble(t -> t.senderCpuNsPerByte() / base.get(t.round()))
                .toArray();
        return ratios.length == 0 ? Double.NaN : Estimate.ofMedian(ratios).median();
    }

    private static Summary find(List<Summary> s, String id) {
        return s.stream().filter(x -> x.technique().equals(id)).findFirst().orElse(null);
    }

    static boolean avoidsSendCopy(Summary s) {
        return AVOIDS_SEND_COPY.holds(s);
    }

    /** Who says whether a technique copied on the send side: the kernel's notices, its trace of the payload calls, or (inferred) CPU. */
    enum Witness {
        NOTICES,
        TRACE,
        CPU
    }

    static Witness sendSideWitness(Summary s) {
        if (s.zeroCopySends() > 0) return Witness.NOTICES;
        return s.payloadCallsFromUser() + s.payloadCallsByReference() > 0 ? Witness.TRACE : Witness.CPU;
    }

    /** How the send side of {@code s} is known, in a few words for a summary. */
    private static String witness(Summary s) {
        return switch (sendSideWitness(s)) {
            case NOTICES -> "the kernel's zero-copy notices";
            case TRACE -> "the sending thread's calls observed, the references inferred from them";
            case CPU -> "inferred from the sender's CPU, no trace here";
        };
    }

    private static String sendSideEvidence(Summary m) {
        String cpu = String.format(
                "sender %.2f ns/B, %.2f× read+write's (median of per-round ratios)",
                m.senderCpuNsPerByte(), m.senderCpuVsReadWrite());
        return m.technique() + ": "
                + switch (sendSideWitness(m)) {
                    case NOTICES ->
                        String.format(
                                "kernel notices: %d of %d zero-copy sends copied; %s",
                                m.kernelSaysCopied(), m.zeroCopySends(), cpu);
                    case TRACE ->
                        String.format(
                                "payload calls in the kernel's trace: %s (%d with a user buffer, %d by reference); %s",
                                m.payloadCalls(), m.payloadCallsFromUser(), m.payloadCallsByReference(), cpu);
                    case CPU -> cpu + " — inferred, no trace";
                };
    }

    private ClaimVerdict zc1(RunContext ctx, List<Summary> sum, FileTransfers.Result r, double memcpy) {
        List<String> ev = new ArrayList<>();
        Map<String, Boolean> avoiding = avoiding(sum);
        int groups = avoiding.size(),
                zero = (int) avoiding.values().stream().filter(b -> b).count();
        List<String> copying = avoiding.entrySet().stream()
                .filter(e -> !e.getValue())
                .map(Map.Entry::getKey)
                .toList();
        for (var e : ARTICLE.entrySet()) {
            if (!avoiding.containsKey(e.getKey())) {
                ev.add(e.getKey() + ": not measured here (" + String.join("; ", r.skipped()) + ")");
                continue;
            }
            boolean any = avoiding.get(e.getKey());
            List<Summary> members = e.getValue().stream()
                    .map(id -> find(sum, id))
                    .filter(x -> x != null)
                    .toList();
            ev.add(e.getKey()
                    + (any ? ": avoids the user→kernel copy — " : ": still copies on the send side — ")
                    + String.join(
                            " | ",
                            members.stream()
                                    .map(ZeroCopyTechniques::sendSideEvidence)
                                    .toList()));
        }
        if (groups == 0)
            return KernelEvidence.notTestable(
                    ctx, "ZC-1", Lack.NO_DATA, "No technique could be measured: " + String.join("; ", r.skipped()));
        Verdict v = judgeZc1(avoiding);
        Summary rw = find(sum, FileSenders.READ_WRITE);
        ev.add(String.format(
                "baseline read+write: sender %.2f ns/B (two copies per byte and the TCP send path); memcpy on this host: %.3f ns/B at %s — the stack, not the copy, dominates",
                rw.senderCpuNsPerByte(), memcpy, Bytes.human(r.fileBytes())));
        ev.add(
                "receive side: every technique's bytes are copied into the reader's buffer once — skb:skb_copy_datagram_iovec, column receiverCopiesPerByte of table techniques");
        ev.add(ZC1.evidence());
        return ctx.judged("ZC-1", v)
                .summary(
                        String.format(
                                "%d of the article's %d techniques avoid the user→kernel copy of a file sent over loopback on this host; %s",
                                zero,
                                groups,
                                copying.isEmpty()
                                        ? "each is zero-copy on the send side."
                                        : String.join(", ", copying)
                                                + (copying.size() == 1 ? " still costs" : " still cost")
                                                + " a send-side copy here (the kernel's trace or notices; CPU where untraced)."))
                .measured((double) zero, "techniques avoiding the send-side copy")
                .claimed((double) groups)
                .evidence(ev)
                .build();
    }

    private ClaimVerdict spl1(RunContext ctx, List<Summary> sum, FileTransfers.Result r, String zerocopyReceive) {
        Summary sp = find(sum, FileSenders.SPLICE_MOVE);
        Verdict v = judgeSplice(sp);
        Summary sf = find(sum, FileSenders.SENDFILE),
                rw = find(sum, FileSenders.READ_WRITE),
                mw = find(sum, FileSenders.MMAP_WRITE);
        String reader = Double.isNaN(sp.receiverCopiesPerByte())
                ? "the reader's read() copies each byte out of its socket (inferred: no trace here)"
                : String.format(
                        "the reader's read() then copies %.2f of every byte out of its socket (skb:skb_copy_datagram_iovec)",
                        sp.receiverCopiesPerByte());
        List<String> ev = new ArrayList<>();
        ev.add("the splice sender (SPLICE_F_MOVE): " + sendSideEvidence(sp));
        ev.add(
                "the hop to the peer socket: lo hands the skb over by pointer — observed for the traced plain-write stream "
                        + "(copy-count, pointers-and-copies), inferred for splice's skbs, which take the same lo path; "
                        + "page-cache fragments carry no zero-copy completion, so nothing copies them on delivery (kernel source)");
        FileTransfers.Traced t = r.traced(FileSenders.SPLICE_MOVE);
        ev.add(
                t == null
                        ? "beside the chain, the reader: not traced (" + r.traceUnavailable() + ")"
                        : String.format(
                                "beside the chain, the reader: skb:skb_copy_datagram_iovec %d events, %d of %d bytes (receiving thread only)",
                                t.receiverCopyEvents(), t.receiverCopyBytes(), t.bytes()));
        ev.add("beside the chain, the receive API that could avoid the reader's copy: " + zerocopyReceive);
        ev.add(String.format(
                "throughput, warm page cache: splice %.1f, sendfile %.1f, read+write %.1f, mmap+write %.1f Gbit/s; cold: splice %.1f Gbit/s (%s, file on %s)",
                sp.warmGbit(),
                sf.warmGbit(),
                rw.warmGbit(),
                mw.warmGbit(),
                sp.coldGbit(),
                Double.isNaN(sp.coldGbit())
                        ? "no cold run: the file system keeps pages in memory"
                        : "POSIX_FADV_DONTNEED before the run, residency checked with mincore",
                r.fileSystem()));
        ev.add(
                "the path: file → page cache (a disk read when cold: DMA by the disk, no CPU copy) → pipe (page references) → skb frags (references) → the peer socket (the skb by pointer) → the reader's buffer (a CPU copy, after the chain)");
        ev.add(SPLICE.evidence());
        return ctx.judged("SPL-1", v)
                .summary(String.format(
                        v == Verdict.SUPPORTED
                                ? "The chain holds as far as it goes: splice(file → pipe → socket) handed the kernel no user buffer to copy from, so the page-cache pages went into the pipe and the skb by reference (%s), and lo hands the skb to the peer socket by pointer (sender CPU %.2f× read+write's). It ends at the socket: %s."
                                : "The chain copies before the peer socket: the splice sender did not avoid the send-side copy (%s; sender CPU %.2f× read+write's); and %s.",
                        witness(sp),
                        sp.senderCpuVsReadWrite(),
                        reader))
                .measured(sp.senderCpuVsReadWrite(), SPLICE_UNIT)
                .evidence(ev)
                .build();
    }

    private ClaimVerdict spl2(RunContext ctx, FileTransfers.Result r) {
        List<FileTransfers.Row> with = r.warm(FileSenders.SPLICE_MOVE), without = r.warm(FileSenders.SPLICE);
        int n = Math.min(with.size(), without.size());
        double[] dGbit = new double[n], dCpu = new double[n];
        for (int i = 0; i < n; i++) {
            dGbit[i] = with.get(i).gbitPerSecond() - without.get(i).gbitPerSecond();
            dCpu[i] = with.get(i).senderCpuNsPerByte() - without.get(i).senderCpuNsPerByte();
        }
        Estimate g = Estimate.ofMedian(dGbit), c = Estimate.ofMedian(dCpu);
        FileTransfers.Traced tw = r.traced(FileSenders.SPLICE_MOVE), to = r.traced(FileSenders.SPLICE);
        List<String> ev = new ArrayList<>(
                List.of(
                        String.format(
                                "paired rounds (same run, alternating), with − without SPLICE_F_MOVE: throughput %s Gbit/s, sender CPU %s ns/B",
                                g.format("%+.2f"), c.format("%+.3f")),
                        "splice(2): SPLICE_F_MOVE is a hint; since Linux 2.6.21 the kernel ignores it (man-pages, splice(2), NOTES) — documented, not measured here"));
        Verdict v;
        String how;
        if (tw != null && to != null) {
            ev.add(String.format(
                    "receiver copies per byte (skb:skb_copy_datagram_iovec): %.2f with the flag, %.2f without",
                    tw.receiverCopiesPerByte(), to.receiverCopiesPerByte()));
            v = judgeMoveFlag(tw.receiverCopiesPerByte(), to.receiverCopiesPerByte());
            how = String.format(
                    "the kernel copies the same %.2f bytes per byte with and without it", tw.receiverCopiesPerByte());
        } else {
            boolean cpuSame = judgeMoveFlagUntraced(c) == Verdict.REFUTED;
            v = judgeMoveFlagUntraced(c);
            how = cpuSame
                    ? "the sender's CPU per byte does not change measurably (no trace: " + r.traceUnavailable() + ")"
                    : "the sender's CPU per byte changes (no trace to count copies: " + r.traceUnavailable() + ")";
        }
        ev.add(MOVE_FLAG.evidence());
        return ctx.judged("SPL-2", v)
                .summary(String.format(
                        "SPLICE_F_MOVE %s: %s, and throughput differs by %+.2f Gbit/s (median of %d pairs%s).",
                        v == Verdict.REFUTED ? "changes nothing that moves or copies" : "changes something measurable",
                        how,
                        g.median(),
                        n,
                        g.hasInterval() ? String.format(", interval %.2f … %.2f", g.low(), g.high()) : ""))
                .measured(g.median(), "Gbit/s, with − without SPLICE_F_MOVE")
                .evidence(ev)
                .build();
    }

    private static Figure throughputFigure(List<Summary> sum, FileTransfers.Result r) {
        CategoryChart c = Charts.bars(
                "ZC-1 / SPL-1: file (" + Bytes.human(r.fileBytes()) + ") → loopback TCP socket → verified reader",
                "",
                "Gbit/s");
        List<String> names = sum.stream().map(Summary::technique).toList();
        c.addSeries(
                        "warm page cache (median)",
                        names,
                        sum.stream().map(Summary::warmGbit).toList())
                .setFillColor(Charts.MEASURED);
        if (sum.stream().anyMatch(s -> !Double.isNaN(s.coldGbit()))) {
            c.addSeries(
                            "cold page cache",
                            names,
                            sum.stream()
                                    .map(s -> Double.isNaN(s.coldGbit()) ? 0.0 : s.coldGbit())
                                    .toList())
                    .setFillColor(Charts.REFERENCE);
        }
        c.getStyler().setXAxisLabelRotation(30);
        return new Figure(
                "zc-throughput",
                List.of("ZC-1", "SPL-1", "SPL-2"),
                "Measured: throughput of each technique moving the same file to a reader process that verifies every byte; warm = all pages cached, cold = dropped with POSIX_FADV_DONTNEED (mincore-checked). The article gives no number.",
                c);
    }

    private static Figure copiesFigure(List<Summary> sum) {
        CategoryChart c = Charts.bars(
                "ZC-1 / SPL-1: send-side cost and receive-side copies",
                "",
                "× read+write's sender CPU  |  copies per byte");
        List<String> names = sum.stream().map(Summary::technique).toList();
        c.addSeries("article: zero-copy", names, sum.stream().map(s -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        c.addSeries(
                        "sender CPU ÷ read+write's",
                        names,
                        sum.stream().map(Summary::senderCpuVsReadWrite).toList())
                .setFillColor(Charts.MEASURED);
        if (sum.stream().anyMatch(s -> !Double.isNaN(s.receiverCopiesPerByte()))) {
            c.addSeries(
                            "receive side (kernel tracepoint)",
                            names,
                            sum.stream()
                                    .map(s -> Double.isNaN(s.receiverCopiesPerByte()) ? 0.0 : s.receiverCopiesPerByte())
                                    .toList())
                    .setFillColor(Charts.REFERENCE);
        }
        c.getStyler().setXAxisLabelRotation(30);
        return new Figure(
                "zc-copies",
                List.of("ZC-1", "SPL-1"),
                "Send side: the sender's CPU per byte ÷ read+write's in the same round (corroboration; the verdict reads the kernel's trace of which calls carried the payload, and where there is no trace counts below "
                        + NO_COPY
                        + " as skipping the copy). Receive side: bytes skb:skb_copy_datagram_iovec reports copied to the reader ÷ bytes moved — the kernel's count. The article: 0.",
                c);
    }
}

package lab.loopback.measurements;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.evidence.PayloadCalls;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.SyscallCount;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Libc;
import lab.loopback.uring.IoUringSupport;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.FileSender;
import lab.loopback.zerocopy.FileSenders;
import lab.loopback.zerocopy.FileTransfer;
import lab.loopback.zerocopy.KernelNotices;
import lab.loopback.zerocopy.MemorySenders;
import lab.loopback.zerocopy.PatternFile;
import lab.loopback.zerocopy.PinLimitException;

/**
 * The one file-to-socket measurement ZC-1, ZC-2, SPL-1 and SPL-2 read: every technique moves the same pattern
 * file to one receiver process, rounds interleaved (round i of two techniques is a pair under the same conditions;
 * the order rotates from round to round so that no technique always runs first), warm page cache, then cold (POSIX_FADV_DONTNEED, residency
 * checked with mincore), then one traced transfer each for the kernel's count of system calls and of the
 * receiver's copies.
 */
public final class FileTransfers {
    public static final int CHUNK = 64 * 1024;
    public static final List<String> TRACE_EVENTS =
            List.of(SyscallCount.EVENT, "skb/skb_copy_datagram_iovec", PayloadCalls.URING_EVENT);

    /** One timed transfer. */
    public record Row(
            String technique,
            String cache,
            double residentBefore,
            int round,
            long bytes,
            double seconds,
            double gbitPerSecond,
            double senderCpuNsPerByte,
            double receiverCpuNsPerByte,
            double senderSysNsPerByte,
            long senderCalls,
            long receiverReads,
            long zeroCopySends,
            long kernelSaysCopied) {}

    /**
     * One traced transfer: the system calls of both threads, the sender's payload calls (with a user buffer to copy
     * from, or moving references; io_uring requests by operation where the kernel traces them) and the receiver's copies.
     */
    public record Traced(
            String technique,
            long bytes,
            long senderSyscalls,
            long receiverSyscalls,
            String senderCalls,
            String receiverCalls,
            long payloadCallsFromUser,
            long payloadCallsByReference,
            String payloadCalls,
            long receiverCopyEvents,
            long receiverCopyBytes,
            double receiverCopiesPerByte) {}

    public record Result(
            long fileBytes,
            String fileSystem,
            List<Row> rows,
            List<Traced> traced,
            String traceUnavailable,
            List<String> skipped,
            long senderTid,
            long receiverTid) {
        public List<Row> warm(String technique) {
            return rows.stream()
                    .filter(r -> r.technique.equals(technique) && r.cache.equals("warm"))
                    .toList();
        }

        public Traced traced(String technique) {
            return traced.stream()
                    .filter(t -> t.technique.equals(technique))
                    .findFirst()
                    .orElse(null);
        }

        public boolean has(String technique) {
            return rows.stream().anyMatch(r -> r.technique.equals(technique));
        }
    }

    private FileTransfers() {}

    /**
     * Warm rounds: the profile's trials, at least 21. The sender's CPU per byte relative to read+write's (ZC-1's
     * corroboration, and its only evidence without tracefs) comes from a 16 MiB send of a few ms whose CPU swings 4×
     * from round to round (the sender's thread also runs loopback's receive softirq), so three rounds decided by
     * chance; a round is ~0.1 s.
     */
    public static int rounds(Profile p) {
        return Math.max(p.trials, 21);
    }

    public static Result of(RunContext ctx) {
        return ctx.shared("file-transfers", () -> measure(ctx));
    }

    private static Result measure(RunContext ctx) {
        long size = ctx.profile().tracedBytes;
        IoUringSupport.Availability uring = IoUringSupport.check();
        List<FileSender> senders = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (FileSender s : FileSenders.all()) {
            String pinLimit = s.id().equals(FileSenders.URING_SEND_ZC) ? MemorySenders.sendZcUnfit(CHUNK) : null;
            String noOp = FileSenders.usesIoUring(s.id()) && uring.available()
                    ? IoUringSupport.unsupported(FileSenders.ioUringOp(s.id()))
                    : null;
            if (FileSenders.usesIoUring(s.id()) && !uring.available()) skipped.add(s.id() + ": " + uring.reason());
            else if (noOp != null) skipped.add(s.id() + ": " + noOp);
            else if (pinLimit != null) skipped.add(s.id() + ": " + pinLimit);
            else senders.add(s);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        ctx.progress("writing a " + Bytes.human(size) + " pattern file in " + dir);
        try (PatternFile file = PatternFile.create(dir, size);
                StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 600)) {
            List<Row> rows = new ArrayList<>();
            Map<String, KernelNotices> notices = new LinkedHashMap<>();
            file.warm();
            for (Iterator<FileSender> it = senders.iterator(); it.hasNext(); ) {
                FileSender s = it.next();
                try {
                    StreamRunner.verified(
                            FileTransfer.run(runner, file, s, CHUNK, 60, "warmup", 0, new KernelNotices()));
                } catch (
                        PinLimitException
                                e) { // this user's other pinned memory left too little: not this kernel's doing
                    skipped.add(s.id() + ": " + e.getMessage());
                    it.remove();
                }
            }
            for (int round = 0; round < rounds(ctx.profile()); round++) {
                ctx.progress("file → socket, warm page cache, round " + (round + 1) + " of " + rounds(ctx.profile()));
                for (int i : Conditions.order(round, senders.size()))
                    rows.add(timed(runner, file, senders.get(i), "warm", round, file.residentFraction()));
            }
            if (file.canBeCold()) {
                ctx.progress("file → socket, cold page cache");
                for (FileSender s : senders) {
                    double resident = file.dropFromPageCache();
                    rows.add(timed(runner, file, s, "cold", 0, resident));
                }
            }
            file.warm();
            List<Traced> traced = new ArrayList<>();
            Tracefs t = ctx.tracefs();
            String why = t.available() ? null : t.unavailable();
            List<String> present = TRACE_EVENTS.stream().filter(t::hasEvent).toList();
            if (why == null && !present.contains(SyscallCount.EVENT))
                why = "this kernel has no " + SyscallCount.EVENT + " tracepoint";
            long senderTid = Libc.gettid(), receiverTid = runner.receiverTid();
            if (why == null) {
                for (FileSender s : senders) {
                    ctx.progress("traced transfer: " + s.id());
                    traced.add(traced(t, present, runner, file, s, senderTid, receiverTid));
                }
            }
            return new Result(size, file.fileSystem(), rows, traced, why, skipped, senderTid, receiverTid);
        }
    }

    private static Row timed(
            StreamRunner runner, PatternFile file, FileSender s, String cache, int round, double resident) {
        KernelNotices n = new KernelNotices();
        StreamTrial t = StreamRunner.verified(FileTransfer.run(runner, file, s, CHUNK, 60, cache, round, n));
        double b = t.bytesReceived();
        return new Row(
                s.id(),
                cache,
                resident,
                round,
                t.bytesReceived(),
                t.seconds(),
                t.gbitPerSecond(),
                (t.senderUserNanos() + t.senderSysNanos()) / b,
                Math.max(0, t.receiverUserNanos() + t.receiverSysNanos() - t.receiverVerifyNanos()) / b,
                t.senderSysNanos() / b,
                t.writes(),
                t.reads(),
                n.sends(),
                n.copied());
    }

    private static Traced traced(
            Tracefs tracefs,
            List<String> events,
            StreamRunner runner,
            PatternFile file,
            FileSender s,
            long senderTid,
            long receiverTid) {
        StreamTrial[] trial = new StreamTrial[1];
        TraceRecorder.Recording rec;
        try (TraceRecorder r = TraceRecorder.open(tracefs, events, 16 * 1024)) {
            r.onlyTasks(List.of(senderTid, receiverTid));
            rec = r.record(
                    () -> trial[0] = FileTransfer.run(runner, file, s, CHUNK, 60, "traced", 0, new KernelNotices()));
        }
        StreamTrial t = StreamRunner.verified(trial[0]);
        SyscallCount snd = SyscallCount.of(rec, senderTid), rcv = SyscallCount.of(rec, receiverTid);
        ReceiveCopies rc = ReceiveCopies.of(rec, List.of(receiverTid), t.bytesReceived());
        PayloadCalls payload = PayloadCalls.of(snd, rec, senderTid);
        return new Traced(
                s.id(),
                t.bytesReceived(),
                snd.total(),
                rcv.total(),
                snd.describe(),
                rcv.describe(),
                payload.fromUserBuffer(),
                payload.byReference(),
                payload.describe(),
                rc.events(),
                rc.bytes(),
                rc.perByte());
    }
}

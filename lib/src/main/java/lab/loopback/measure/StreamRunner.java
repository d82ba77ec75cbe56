package lab.loopback.measure;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.sys.CpuAffinity;

/**
 * One-way stream between this process (sender) and a receiver in a child JVM, over any
 * {@link StreamTransport}. Each trial is bounded in bytes and in time and is verified byte for byte; a trial
 * that loses or corrupts a byte is returned with {@code verified() == false}, and {@link #trials} refuses
 * to turn such a trial into a throughput.
 */
public final class StreamRunner implements AutoCloseable {
    private final StreamTransport transport;
    private final ChildJvm receiver;
    private final String address;
    private long receiverTid = -1;
    private boolean nonBlockingReader;
    private boolean pinPeers;
    private Placement placement;
    private final SortedSet<Integer> pinnedTo = new TreeSet<>();
    private int trialsPinned, trialsUnpinned;
    private UnaryOperator<Connection> senderWrap = UnaryOperator.identity();

    private StreamRunner(StreamTransport transport, ChildJvm receiver, String address) {
        this.transport = transport;
        this.receiver = receiver;
        this.address = address;
    }

    /** Starts the receiver; it lives at most {@code maxSeconds} whatever happens to this process. */
    public static StreamRunner start(StreamTransport transport, String bindSpec, long maxSeconds) {
        return start(transport, bindSpec, maxSeconds, List.of());
    }

    /** As {@link #start(StreamTransport, String, long)}, the receiver started behind {@code prefix} (e.g. inside a namespace). */
    public static StreamRunner start(StreamTransport transport, String bindSpec, long maxSeconds, List<String> prefix) {
        ChildJvm child = ChildJvm.start(
                StreamReceiverMain.class,
                List.of(
                        transport.id(),
                        bindSpec == null || bindSpec.isEmpty() ? "0" : bindSpec,
                        Long.toString(maxSeconds)),
                prefix);
        try {
            String address = child.expect(ChildLine.Ready.class, 30_000).address();
            return new StreamRunner(transport, child, address);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    public String address() {
        return address;
    }

    public long receiverPid() {
        return receiver.pid();
    }

    /** One transfer of at most {@code maxBytes}, stopping after {@code seconds}; reads use the write size. */
    public StreamTrial trial(int writeSize, double seconds, long maxBytes, String phase, int index) {
        return trial(writeSize, seconds, maxBytes, phase, index, c -> {}, c -> {});
    }

    /**
     * As {@link #trial(int, double, long, String, int)}, and the sender's connection is handed to
     * {@code beforeFirstWrite} (to set a socket option) and to {@code afterLastWrite} before it is closed (to read
     * TCP_INFO); neither is inside the timed or CPU-accounted part.
     */
    public StreamTrial trial(
            int writeSize,
            double seconds,
            long maxBytes,
            String phase,
            int index,
            Consumer<Connection> beforeFirstWrite,
            Consumer<Connection> afterLastWrite) {
        if (writeSize <= 0 || writeSize > (64 << 20)) {
            throw new IllegalArgumentException("write size " + writeSize + " is outside 1 B .. 64 MiB");
        }
        if (maxBytes <= 0) throw new IllegalArgumentException("byte bound " + maxBytes + " must be positive");
        try (Arena arena = Arena.ofConfined()) {
            KnownPattern pattern = new KnownPattern(arena, writeSize);
            SendBody writes = (c, deadline) -> {
                long sent = 0, calls = 0;
                while (sent < maxBytes) {
                    long n = Math.min(writeSize, maxBytes - sent);
                    sent += c.write(pattern.slice(sent, n), n);
                    calls++;
                    if (System.nanoTime() >= deadline) break;
                }
                return new Sent(sent, calls);
            };
            return trial(writeSize, seconds, phase, index, beforeFirstWrite, writes, afterLastWrite);
        }
    }

    /** What a sending body did: bytes the kernel took and the calls that took them. */
    public record Sent(long bytes, long calls) {}

    /**
     * The sending half of a trial: moves the known pattern's stream (from byte 0) over {@code c}, stopping once
     * {@code deadlineNanos} (System.nanoTime) has passed; every loop must also have a byte bound of its own.
     */
    @FunctionalInterface
    public interface SendBody {
        Sent send(Connection c, long deadlineNanos);
    }

    /**
     * One transfer sent by {@code body}: the receiver reads in {@code readSize} pieces and checks every byte
     * against {@link KnownPattern}; the body's own work is timed and CPU-accounted, the hooks are not.
     */
    public StreamTrial trial(
            int readSize,
            double seconds,
            String phase,
            int index,
            Consumer<Connection> beforeFirstWrite,
            SendBody body,
            Consumer<Connection> afterLastWrite) {
        if (readSize <= 0 || readSize > (64 << 20))
            throw new IllegalArgumentException("read size " + readSize + " is outside 1 B .. 64 MiB");
        if (!(seconds > 0) || seconds > 600)
            throw new IllegalArgumentException("trial duration " + seconds + " s is outside (0, 600]");
        receiver.send(ChildLine.format(new ChildLine.Trial(readSize, nonBlockingReader)));
        // the receiver's set-up is done before the clock starts
        receiverTid = receiver.expect(ChildLine.Armed.class, 30_000).tid();
        try (Arranged arranged = arrange()) {
            long start;
            Sent sent;
            ThreadCpu cpu;
            try (Connection c = transport.connect(address)) {
                beforeFirstWrite.accept(c);
                Connection sending = senderWrap.apply(c);
                ThreadCpu before = ThreadCpu.now();
                start = System.nanoTime();
                sent = body.send(sending, start + (long) (seconds * 1e9));
                cpu = ThreadCpu.now().minus(before);
                afterLastWrite.accept(c);
            }
            ChildLine.Result r = receiver.expect(ChildLine.Result.class, (long) (seconds * 1000) + 60_000);
            return StreamTrial.of(
                    transport.id(), readSize, readSize, phase, index, start, sent, cpu, r, arranged.placement());
        }
    }

    /** What {@link #arrange()} did — where it put the two peers — undone when closed. */
    private record Arranged(Placement placement, Runnable undo) implements AutoCloseable {
        @Override
        public void close() {
            undo.run();
        }
    }

    /**
     * Puts the sender and the receiver's reading thread where this runner was told to, until the trial's report is in:
     * a {@link #placement(Placement)} pins and restores both; {@link #pinPeers} puts both on the sender's first CPU and
     * gives the sender its set back; otherwise nothing is pinned.
     */
    private Arranged arrange() {
        if (placement != null) {
            if (receiverTid <= 0)
                throw new IllegalStateException(
                        "the receiver did not name its thread, so it cannot be placed " + placement.id());
            return new Arranged(placement, placement.pin(receiverTid)::close);
        }
        List<Integer> allowed = pinPeers && receiverTid > 0 ? CpuAffinity.of(0) : List.of();
        if (allowed.isEmpty()) {
            trialsUnpinned++;
            return new Arranged(Placement.SCHEDULER, () -> {});
        }
        CpuAffinity.set(receiverTid, List.of(allowed.get(0)));
        CpuAffinity.set(0, List.of(allowed.get(0)));
        pinnedTo.add(allowed.get(0));
        trialsPinned++;
        return new Arranged(Placement.SAME_CPU, () -> CpuAffinity.set(0, allowed));
    }

    /**
     * From the next trial on, the sender and the receiver's reading thread run where {@code placement} puts a client
     * and its peer (both restored after each trial), instead of {@link #pinPeers}; null: as before.
     */
    public StreamRunner placement(Placement placement) {
        this.placement = placement;
        return this;
    }

    /** From the next trial on, the receiver reads with O_NONBLOCK and poll(2) (true) or blocking read(2) (false). */
    public StreamRunner nonBlockingReader(boolean on) {
        this.nonBlockingReader = on;
        return this;
    }

    /**
     * From the next trial on, the sending thread and the receiver's reading thread both run on one CPU, the first the
     * sender may use (the sender's own set is restored after each trial). Left to the scheduler, lo's throughput on a
     * 2-vCPU VM jumped between ~12 and ~24 Gbit/s from trial to trial with whether the two shared a CPU, and pinned to
     * a CPU each it still spread 11-20; on one CPU, fifteen trials stay within ±5 %, so conditions compared in the
     * same round are compared, not the scheduler's choices.
     */
    public StreamRunner pinPeers(boolean on) {
        this.pinPeers = on;
        return this;
    }

    /**
     * Where this runner's trials ran, as it arranged them (for evidence lines): "both peers on CPU 0 in all 32 trials",
     * with the trials it left to the scheduler (pinning off, or the receiver never named its thread) counted apart.
     */
    public String placement() {
        String pinned = trialsPinned == 0
                ? ""
                : "both peers on CPU "
                        + pinnedTo.stream().map(String::valueOf).collect(Collectors.joining(" or "))
                        + " in " + trialsPinned + " trial" + (trialsPinned == 1 ? "" : "s");
        String free = trialsUnpinned == 0
                ? ""
                : "placement left to the scheduler in " + trialsUnpinned + " trial" + (trialsUnpinned == 1 ? "" : "s");
        return pinned.isEmpty()
                ? (free.isEmpty() ? "no trials" : free)
                : free.isEmpty() ? pinned : pinned + ", " + free;
    }

    /**
     * From the next trial on, the sending body gets {@code wrap} applied to the fresh connection (say, to switch it
     * to non-blocking); the before/after hooks still see the socket itself.
     */
    public StreamRunner senderWrap(UnaryOperator<Connection> wrap) {
        this.senderWrap = wrap;
        return this;
    }

    /** The kernel id of the receiver's reading thread, known after the first trial (-1 before). */
    public long receiverTid() {
        return receiverTid;
    }

    /** Warm-ups then timed trials at one write size; every trial must verify. */
    public List<StreamTrial> trials(int writeSize, Profile profile) {
        List<StreamTrial> all = new ArrayList<>();
        for (int i = 0; i < profile.warmups; i++)
            all.add(verified(trial(writeSize, profile.trialSeconds, profile.trialMaxBytes, "warmup", i)));
        for (int i = 0; i < profile.trials; i++)
            all.add(verified(trial(writeSize, profile.trialSeconds, profile.trialMaxBytes, "timed", i)));
        return all;
    }

    /** {@code t} itself when every byte arrived intact; otherwise a {@link TransferCorruptedException}. */
    public static StreamTrial verified(StreamTrial t) {
        if (!t.verified()) throw new TransferCorruptedException(t);
        return t;
    }

    @Override
    public void close() {
        receiver.close();
    }
}

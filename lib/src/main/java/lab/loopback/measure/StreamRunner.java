package lab.loopback.measure;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.StreamTransport;

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
    private Placement placement;
    /** Trials by where their peers ran ("both peers on CPU 0"), in the order first seen: the evidence's words. */
    private final Map<String, Integer> trialsBy = new LinkedHashMap<>();

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

    /**
     * The most a reader with a vCPU of its own asks for in one read(2). Measured beside iperf3 (interleaved, 6 rounds,
     * 1 MiB writes, the peers on two vCPUs of this 2-vCPU VM): reads of the write size gave 0.68-0.78x iperf3's rate,
     * 128 KiB reads 0.81-1.01x, 64 KiB reads 1.13x in two runs; at 128 KiB writes 64 KiB reads gave 1.03-1.07x against
     * 0.92-0.93x. With whole-write reads the sender, the busier vCPU, sat idle 4.9 % of a trial (iperf3's: 0.45 %),
     * waiting for the window; the likely reason, not traced: a 64 KiB read (about one loopback segment) is checked
     * while the caches still hold it and the window goes back sooner. With both peers on one vCPU smaller reads were slower (0.59-0.71x at 1 MiB, against
     * 0.74-0.88x for whole writes): there a read takes the whole write.
     */
    public static final int OWN_CPU_READ_CAP = 64 << 10;

    /** The read size for {@code writeSize}-byte writes when the peers run where {@code placement} puts them. */
    public static int readSize(int writeSize, Placement placement) {
        return placement == Placement.TWO_CPUS ? Math.min(writeSize, OWN_CPU_READ_CAP) : writeSize;
    }

    /**
     * One transfer of at most {@code maxBytes}, stopping after {@code seconds}; reads are of {@link #readSize} for the
     * placement in force.
     */
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
     * One transfer sent by {@code body} in pieces of {@code writeSize}: the receiver reads in {@link #readSize} pieces
     * for the placement in force and checks every byte against {@link KnownPattern}; the body's own work is timed and
     * CPU-accounted, the hooks are not.
     */
    public StreamTrial trial(
            int writeSize,
            double seconds,
            String phase,
            int index,
            Consumer<Connection> beforeFirstWrite,
            SendBody body,
            Consumer<Connection> afterLastWrite) {
        if (writeSize <= 0 || writeSize > (64 << 20))
            throw new IllegalArgumentException("write size " + writeSize + " is outside 1 B .. 64 MiB");
        int readSize = readSize(writeSize, placement);
        if (!(seconds > 0) || seconds > 600)
            throw new IllegalArgumentException("trial duration " + seconds + " s is outside (0, 600]");
        receiver.send(ChildLine.format(new ChildLine.Trial(readSize, nonBlockingReader)));
        // the receiver's set-up is done before the clock starts
        receiverTid = receiver.expect(ChildLine.Armed.class, 30_000).tid();
        try (Arranged arranged = arrange()) {
            long start;
            Sent sent;
            ThreadCpu cpu;
            ThreadSwitches switches;
            try (Connection c = transport.connect(address)) {
                beforeFirstWrite.accept(c);
                Connection sending = senderWrap.apply(c);
                ThreadSwitches switchesBefore = ThreadSwitches.now();
                ThreadCpu before = ThreadCpu.now();
                start = System.nanoTime();
                sent = body.send(sending, start + (long) (seconds * 1e9));
                cpu = ThreadCpu.now().minus(before);
                switches = ThreadSwitches.now().minus(switchesBefore);
                afterLastWrite.accept(c);
            }
            ChildLine.Result r = receiver.expect(ChildLine.Result.class, (long) (seconds * 1000) + 60_000);
            return StreamTrial.of(
                    transport.id(),
                    writeSize,
                    readSize,
                    phase,
                    index,
                    start,
                    sent,
                    cpu,
                    switches,
                    r,
                    arranged.placement());
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
     * Puts the sender and the receiver's reading thread where {@link #placement(Placement)} says, until the trial's
     * report is in (both get their CPU sets back), and counts the trial by where it ran; with no placement nothing is
     * pinned.
     */
    private Arranged arrange() {
        if (placement == null) {
            count(Placement.SCHEDULER.describe());
            return new Arranged(Placement.SCHEDULER, () -> {});
        }
        if (receiverTid <= 0)
            throw new IllegalStateException(
                    "the receiver did not name its thread, so it cannot be placed " + placement.id());
        Placement.Pin pin = placement.pin(receiverTid);
        List<Integer> at = pin.at();
        count(
                placement == Placement.SAME_CPU
                        ? "both peers on CPU " + at.get(0)
                        : "the sender on CPU " + at.get(0) + ", the reader on CPU " + at.get(1));
        return new Arranged(placement, pin::close);
    }

    private void count(String where) {
        trialsBy.merge(where, 1, Integer::sum);
    }

    /**
     * From the next trial on, the sender and the receiver's reading thread run where {@code placement} puts a client
     * and its peer (both restored after each trial); null: where the scheduler puts them. The conditions experiments
     * use {@link Placement#SAME_CPU}: left to the scheduler, lo's throughput on a 2-vCPU VM jumped between ~12 and ~24
     * Gbit/s from trial to trial with whether the two shared a CPU, and pinned to a CPU each it still spread 11-20; on
     * one CPU, fifteen trials stay within ±5 %, so conditions compared in the same round are compared, not the
     * scheduler's choices.
     */
    public StreamRunner placement(Placement placement) {
        this.placement = placement == Placement.SCHEDULER ? null : placement;
        return this;
    }

    /** From the next trial on, the receiver reads with O_NONBLOCK and poll(2) (true) or blocking read(2) (false). */
    public StreamRunner nonBlockingReader(boolean on) {
        this.nonBlockingReader = on;
        return this;
    }

    /**
     * Where this runner's trials ran, as it arranged them (for evidence lines): "both peers on CPU 0 in 32 trials",
     * each arrangement counted apart ("…, placement left to the scheduler in 2 trials").
     */
    public String placement() {
        if (trialsBy.isEmpty()) return "no trials";
        return trialsBy.entrySet().stream()
                .map(e -> e.getKey() + " in " + e.getValue() + " trial" + (e.getValue() == 1 ? "" : "s"))
                .collect(Collectors.joining(", "));
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

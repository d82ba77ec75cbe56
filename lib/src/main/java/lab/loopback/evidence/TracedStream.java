package lab.loopback.evidence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.NetCounters;
import lab.loopback.kernel.PathContexts;
import lab.loopback.kernel.SoftirqThreads;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.Placement;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Libc;
import lab.loopback.sys.TcpInfo;

/**
 * One verified loopback TCP transfer to a receiver in another process, with everything the kernel says
 * about it: the tracepoints of the sending thread and the receiving process, the sender's TCP_INFO once
 * every byte is acknowledged (the exact segment counts of this connection), and the namespace-wide
 * counter deltas of /proc/net, with the background those counters show in an equally long quiet window
 * before (other loopback users — a notebook kernel's messaging, say — are counted there too).
 */
public final class TracedStream {
    /** The events asked for; those this kernel lacks are left out and named in {@link Result#missingEvents}. */
    public static final List<String> EVENTS = List.of(
            "net/net_dev_queue",
            "net/net_dev_start_xmit",
            "net/net_dev_xmit",
            "net/netif_rx",
            "net/netif_receive_skb",
            "skb/skb_copy_datagram_iovec",
            "sock/sk_data_ready",
            "fib/fib_table_lookup",
            "tcp/tcp_probe");

    /** The softirq's own events, recorded apart (vec == NET_RX, ksoftirqd admitted) for {@link Result#contexts}. */
    public static final List<String> SOFTIRQ_EVENTS = List.of("irq/softirq_entry", "irq/softirq_exit");

    /** The lo events counted per context beside the softirq's, where this kernel has them. */
    private static final List<String> PACKET_EVENTS = List.of("net/net_dev_xmit", "net/netif_receive_skb");

    static final int BUFFER_KB_PER_CPU = 16 * 1024;
    static final int SOFTIRQ_BUFFER_KB_PER_CPU = 8 * 1024;
    static final long DRAIN_WAIT_MILLIS = 5_000;

    /**
     * What one transfer showed; {@code untraced} is the same transfer made just before without the tracer,
     * for CPU per byte. {@code trace} is null when tracing was impossible ({@code traceUnavailable}
     * says why); {@code counters} and {@code background} are deltas over the transfer and over a quiet window
     * of {@code backgroundSeconds} just before it. {@code contexts} is in whose context lo's path ran during the
     * traced transfer — the connection's tasks or ksoftirqd (null when not traced: then {@code traceUnavailable} says
     * why, or {@code missingEvents} names the softirq events this kernel lacks).
     */
    public record Result(
            StreamTrial trial,
            StreamTrial untraced,
            TcpInfo sender,
            Map<String, Long> counters,
            Map<String, Long> background,
            double backgroundSeconds,
            double windowSeconds,
            TraceRecorder.Recording trace,
            String traceUnavailable,
            List<String> missingEvents,
            long senderTid,
            List<Long> receiverTids,
            PathContexts contexts) {
        /** Segments this connection carried both ways (sender's segs_out + segs_in; lo loses none). */
        public long segments() {
            return sender.segsOut() + sender.segsIn();
        }

        /** A counter's delta over the transfer less the background expected in a window as long. */
        public double counterNet(String key) {
            double bg = background.getOrDefault(key, 0L) * windowSeconds / backgroundSeconds;
            return counters.getOrDefault(key, 0L) - bg;
        }

        public double counterBackground(String key) {
            return background.getOrDefault(key, 0L) * windowSeconds / backgroundSeconds;
        }

        public boolean traced() {
            return trace != null;
        }
    }

    private TracedStream() {}

    /**
     * Where a traced transfer runs: the transport, the receiver's bind spec and the prefix its process starts
     * behind (a namespace), how both ends read and write, and where the two peers run (pinned, or left to the
     * scheduler). Counters come from the receiver's namespace.
     */
    public record Route(
            StreamTransport transport,
            String bindSpec,
            List<String> receiverPrefix,
            boolean nonBlockingReader,
            UnaryOperator<Connection> senderWrap,
            Placement placement) {
        /** 127.0.0.1 in this process's namespace, blocking both ends, left to the scheduler: the default transfer. */
        public static Route loopback(String bindSpec) {
            return new Route(
                    Transports.byId("tcp-lo"),
                    bindSpec,
                    List.of(),
                    false,
                    UnaryOperator.identity(),
                    Placement.SCHEDULER);
        }

        public Route withReader(boolean nonBlocking) {
            return new Route(transport, bindSpec, receiverPrefix, nonBlocking, senderWrap, placement);
        }

        public Route withSender(UnaryOperator<Connection> wrap) {
            return new Route(transport, bindSpec, receiverPrefix, nonBlockingReader, wrap, placement);
        }

        public Route withPlacement(Placement where) {
            return new Route(transport, bindSpec, receiverPrefix, nonBlockingReader, senderWrap, where);
        }
    }

    /**
     * Sends {@code bytes} in writes of {@code writeSize} to a fresh receiver process over 127.0.0.1 (bound to
     * {@code bindSpec}: "0" for any port) and records it. A corrupted or short transfer throws.
     */
    public static Result run(Tracefs tracefs, String bindSpec, int writeSize, long bytes, double maxSeconds) {
        return run(tracefs, bindSpec, writeSize, bytes, maxSeconds, c -> {});
    }

    /** As {@link #run(Tracefs, String, int, long, double)}, with the sending socket set up by {@code configure} first. */
    public static Result run(
            Tracefs tracefs,
            String bindSpec,
            int writeSize,
            long bytes,
            double maxSeconds,
            Consumer<TcpSocket> configure) {
        return run(tracefs, Route.loopback(bindSpec), writeSize, bytes, maxSeconds, configure);
    }

    /** As {@link #run(Tracefs, String, int, long, double, Consumer)}, over {@code route}. */
    public static Result run(
            Tracefs tracefs, Route route, int writeSize, long bytes, double maxSeconds, Consumer<TcpSocket> configure) {
        List<String> present = new ArrayList<>(), missing = new ArrayList<>();
        for (String e : EVENTS) (tracefs.hasEvent(e) ? present : missing).add(e);
        List<String> softirqMissing =
                SOFTIRQ_EVENTS.stream().filter(e -> !tracefs.hasEvent(e)).toList();
        missing.addAll(softirqMissing);
        try (StreamRunner runner = warmedUp(route, writeSize, bytes, maxSeconds)) {
            Path proc = Path.of("/proc", Long.toString(runner.receiverPid()));
            // the same transfer untraced: CPU per byte without the tracer's own cost
            StreamTrial plain = StreamRunner.verified(runner.trial(
                    writeSize, maxSeconds, bytes, "untraced", 0, c -> configure.accept((TcpSocket) c), c -> {}));
            long tid = Libc.gettid();
            List<Long> receiverTids = TraceRecorder.tasksOf(runner.receiverPid());
            AtomicReference<TcpInfo> info = new AtomicReference<>();
            double quiet = 0.25;
            NetCounters q0 = NetCounters.read(proc);
            sleep(quiet);
            NetCounters q1 = NetCounters.read(proc);
            StreamTrial[] trial = new StreamTrial[1];
            Runnable transfer = () -> trial[0] = runner.trial(
                    writeSize,
                    maxSeconds,
                    bytes,
                    "traced",
                    0,
                    c -> configure.accept((TcpSocket) c),
                    c -> info.set(drained((TcpSocket) c)));
            TraceRecorder.Recording rec = null;
            PathContexts contexts = null;
            String why = tracefs.available() ? null : tracefs.unavailable();
            long w0 = System.nanoTime();
            NetCounters c0 = NetCounters.read(proc);
            if (tracefs.available()) {
                try (TraceRecorder r = TraceRecorder.open(tracefs, present, BUFFER_KB_PER_CPU)) {
                    List<Long> tids = new ArrayList<>(receiverTids);
                    tids.add(tid);
                    r.onlyTasks(tids);
                    if (softirqMissing.isEmpty()) {
                        // a second instance: its filter admits ksoftirqd, which the per-segment counts must not
                        PathContexts[] inner = new PathContexts[1];
                        rec = r.record(() -> inner[0] = contexts(tracefs, present, tid, receiverTids, transfer));
                        contexts = inner[0];
                    } else rec = r.record(transfer);
                }
            } else {
                transfer.run();
            }
            NetCounters c1 = NetCounters.read(proc);
            double window = (System.nanoTime() - w0) / 1e9;
            return new Result(
                    StreamRunner.verified(trial[0]),
                    plain,
                    info.get(),
                    c1.minus(c0),
                    q1.minus(q0),
                    quiet,
                    window,
                    rec,
                    why,
                    List.copyOf(missing),
                    tid,
                    receiverTids,
                    contexts);
        }
    }

    /**
     * Runs {@code transfer} while a tracefs instance of its own records the NET_RX softirq's runs and the lo packet
     * events among {@code present} in the two peers' tasks and the ksoftirqd threads, and sums them per context.
     */
    private static PathContexts contexts(
            Tracefs tracefs, List<String> present, long senderTid, List<Long> receiverTids, Runnable transfer) {
        Map<Long, String> context = tasks(senderTid, receiverTids);
        List<String> events = new ArrayList<>(SOFTIRQ_EVENTS);
        PACKET_EVENTS.stream().filter(present::contains).forEach(events::add);
        try (TraceRecorder s = TraceRecorder.open(tracefs, events, SOFTIRQ_BUFFER_KB_PER_CPU)) {
            for (String e : SOFTIRQ_EVENTS) s.filter(e, "vec == " + PathContexts.NET_RX);
            s.onlyTasks(List.copyOf(context.keySet()));
            return PathContexts.of(s.record(transfer), PathContexts.NET_RX, context);
        }
    }

    /** What {@link #contextsOnly} saw: the verified transfer, and its contexts or why there are none. */
    public record Contexts(StreamTrial trial, PathContexts contexts, String notTraced) {}

    /**
     * As {@link #run(Tracefs, Route, int, long, double, Consumer)}, recording only in whose context lo's path ran: no
     * untraced twin, no counter windows, no per-segment trace, so a transfer per placement costs one transfer (and a
     * short warm-up). {@code notTraced} says why {@code contexts} is null.
     */
    public static Contexts contextsOnly(Tracefs tracefs, Route route, int writeSize, long bytes, double maxSeconds) {
        List<String> lacking =
                SOFTIRQ_EVENTS.stream().filter(e -> !tracefs.hasEvent(e)).toList();
        try (StreamRunner runner = warmedUp(route, writeSize, bytes, maxSeconds)) {
            StreamTrial[] trial = new StreamTrial[1];
            Runnable transfer = () -> trial[0] = runner.trial(writeSize, maxSeconds, bytes, "traced", 0);
            if (!tracefs.available() || !lacking.isEmpty()) {
                transfer.run();
                String why = !tracefs.available()
                        ? tracefs.unavailable()
                        : "this kernel lacks " + String.join(", ", lacking);
                return new Contexts(StreamRunner.verified(trial[0]), null, why);
            }
            List<String> present =
                    PACKET_EVENTS.stream().filter(tracefs::hasEvent).toList();
            PathContexts c =
                    contexts(tracefs, present, Libc.gettid(), TraceRecorder.tasksOf(runner.receiverPid()), transfer);
            return new Contexts(StreamRunner.verified(trial[0]), c, null);
        }
    }

    /**
     * A receiver over {@code route}, both ends set up as it says, after one verified warm-up transfer of at most 1 MiB
     * (connection code paths warm, JIT too); {@code bytes}, the transfer to come, is checked first.
     */
    private static StreamRunner warmedUp(Route route, int writeSize, long bytes, double maxSeconds) {
        if (bytes <= 0 || bytes > (1L << 34))
            throw new IllegalArgumentException("transfer size " + bytes + " B is outside 1 B .. 16 GiB");
        StreamRunner runner = StreamRunner.start(
                route.transport(), route.bindSpec(), (long) Math.ceil(maxSeconds) + 120, route.receiverPrefix());
        try {
            runner.nonBlockingReader(route.nonBlockingReader())
                    .senderWrap(route.senderWrap())
                    .placement(route.placement());
            StreamRunner.verified(runner.trial(writeSize, maxSeconds, Math.min(bytes, 1 << 20), "warmup", 0));
            return runner;
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /** The contexts the softirq's runs are told apart by: the sender's thread, the receiver's, the ksoftirqd threads. */
    static Map<Long, String> tasks(long senderTid, List<Long> receiverTids) {
        return PathContexts.byTask(
                senderTid,
                receiverTids,
                PathContexts.IN_RECEIVER,
                SoftirqThreads.find().tids());
    }

    /** Ends the stream and waits (bounded) until the peer has acknowledged every byte, then reads TCP_INFO. */
    static TcpInfo drained(TcpSocket c) {
        c.shutdownOutput();
        long deadline = System.nanoTime() + DRAIN_WAIT_MILLIS * 1_000_000;
        TcpInfo i = c.tcpInfo();
        while (!i.drained() && System.nanoTime() < deadline) {
            sleep(0.001);
            i = c.tcpInfo();
        }
        return i;
    }

    static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

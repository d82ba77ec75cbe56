package lab.loopback.echo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.Transports;
import lab.loopback.ipc.WaitMode;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measure.ThreadCpu;
import lab.loopback.measure.ThreadSwitches;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.TaskRuntime;

/**
 * Request/response over any {@link StreamTransport}: an RPC-style echo server in its own JVM ({@link EchoServerMain}
 * {@code rpc}: each request is read whole, then answered with the same bytes), and closed-loop clients here, one request in flight, every answer verified, latency in
 * an HdrHistogram ({@link EchoClients#stream}). Each trial is a fresh connection with its own warm-up round trips;
 * TCP underneath gets TCP_NODELAY on both ends, as every latency-minded RPC stack sets it. Both ends wait for
 * data the same way ({@link WaitMode}). Trials can place the two peers' threads on one CPU or on two
 * ({@link Placement}): the server names its answering thread, and the client pins both.
 */
public final class PingPong implements AutoCloseable {
    /** Warm-up round trips at the start of every trial (at most half its time), before its histogram starts. */
    static final int WARMUP_ROUND_TRIPS = 200;

    /**
     * One trial: the latency distribution, where the peers ran ({@link Placement#id()} as arranged, and the CPU each
     * thread last ran on as the kernel reports it at the trial's end, -1 unknown), and per round trip the client
     * thread's voluntary context switches (it went to sleep) and its CPU time (which includes the client comparing
     * each answer with its request), both from the kernel's accounting of the thread, over the timed round trips only;
     * and the server's answering thread's CPU time per round trip over the same round trips ({@code schedstat}, read
     * while it waits for the next request; NaN when unreadable).
     */
    public record Trial(
            String transport,
            String waitMode,
            int size,
            String phase,
            int index,
            String placement,
            int clientCpu,
            int serverCpu,
            EchoStats stats,
            double sleepsPerRoundTrip,
            double clientCpuMicrosPerRoundTrip,
            double serverCpuMicrosPerRoundTrip) {}

    private final StreamTransport transport;
    private final ChildJvm server;
    private final String address;
    private final WaitMode wait;
    /** The server's answering thread, which placed trials pin. */
    private final long serverTid;
    /** Trials run so far, warm-ups included: one connection each. */
    private int trialsRun;

    private PingPong(StreamTransport transport, ChildJvm server, String address, WaitMode wait, long serverTid) {
        this.transport = transport;
        this.server = server;
        this.address = address;
        this.wait = wait;
        this.serverTid = serverTid;
    }

    /** An echo server over {@code transport} with blocking reads, alive at most {@code maxSeconds}. */
    public static PingPong start(StreamTransport transport, long maxSeconds) {
        return start(transport, "", maxSeconds, List.of(), WaitMode.BLOCKING);
    }

    /** As {@link #start(StreamTransport, long)}, bound per {@code bind}, behind {@code prefix}, both ends waiting per {@code wait}. */
    public static PingPong start(
            StreamTransport transport, String bind, long maxSeconds, List<String> prefix, WaitMode wait) {
        ChildJvm server = ChildJvm.start(
                EchoServerMain.class,
                List.of(
                        "rpc",
                        Long.toString(maxSeconds),
                        transport.id(),
                        bind == null || bind.isEmpty() ? "0" : bind,
                        wait.name()),
                prefix);
        try {
            String address = EchoClients.address(server);
            return new PingPong(
                    transport,
                    server,
                    address,
                    wait,
                    server.expect(ChildLine.Armed.class, 30_000).tid());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public String address() {
        return address;
    }

    /** The server's answering thread (kernel thread id), which placed trials pin. */
    public long serverTid() {
        return serverTid;
    }

    public long serverPid() {
        return server.pid();
    }

    /** How many trials this ping-pong has connected for, warm-ups included (each on a connection of its own). */
    public int trialsRun() {
        return trialsRun;
    }

    /** One connection left to the scheduler: warm-up round trips, then at most {@code roundTrips} timed ones within {@code seconds}. */
    public Trial trial(int size, String phase, int index, int roundTrips, double seconds) {
        return trial(size, phase, index, roundTrips, seconds, Placement.SCHEDULER);
    }

    /**
     * One connection with both peers' threads placed per {@code placement} for its whole length (warm-up included):
     * warm-up round trips, then at most {@code roundTrips} timed ones within {@code seconds}. Both threads' CPU sets are
     * restored afterwards. A placement the kernel refuses to arrange is not silently replaced: the trial is recorded as
     * left to the scheduler.
     */
    @SuppressWarnings("try") // the pin is held for the whole block and released by closing it
    public Trial trial(int size, String phase, int index, int roundTrips, double seconds, Placement placement) {
        Placement arranged = placement;
        Placement.Pin pin;
        try {
            pin = placement.pin(serverTid);
        } catch (ErrnoException refused) {
            arranged = Placement.SCHEDULER;
            pin = arranged.pin(serverTid);
        }
        try (Placement.Pin placed = pin;
                Connection raw = transport.connect(address);
                Connection c = wait.apply(Transports.noDelay(raw))) {
            trialsRun++;
            announceSize(c, size);
            // the warm-up is a call of its own (bounded by half the time), so the counters below span only timed round
            // trips
            EchoClients.stream(
                    transport.id(), c, size, EchoClients.Framing.ONE_WRITE, 0, WARMUP_ROUND_TRIPS, seconds / 2);
            ThreadSwitches s0 = ThreadSwitches.now();
            ThreadCpu cpu0 = ThreadCpu.now();
            // between round trips the server waits in read(), so its run time stands still while it is read
            long server0 = TaskRuntime.ofThread(server.pid(), serverTid);
            EchoStats stats =
                    EchoClients.stream(transport.id(), c, size, EchoClients.Framing.ONE_WRITE, 0, roundTrips, seconds);
            long server1 = TaskRuntime.ofThread(server.pid(), serverTid);
            ThreadCpu cpu = ThreadCpu.now().minus(cpu0);
            ThreadSwitches s = ThreadSwitches.now().minus(s0);
            long n = stats.roundTrips();
            return new Trial(
                    transport.id(),
                    wait.name(),
                    size,
                    phase,
                    index,
                    arranged.id(),
                    CpuAffinity.lastRanOn(0),
                    CpuAffinity.lastRanOn(serverTid),
                    stats,
                    s.voluntary() < 0 ? Double.NaN : (double) s.voluntary() / n,
                    cpu.totalNanos() / 1e3 / n,
                    server0 < 0 || server1 < 0 ? Double.NaN : (server1 - server0) / 1e3 / n);
        }
    }

    /** The request size, once per connection, as the rpc server expects it (4 bytes, little-endian). */
    private static void announceSize(Connection c, int size) {
        if (size <= 0 || size > GrpcEcho.MAX_MESSAGE)
            throw new IllegalArgumentException(
                    "request size " + size + " B is outside 1 B .. " + GrpcEcho.MAX_MESSAGE + " B");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(4);
            m.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, size);
            c.writeFully(m, 4);
        }
    }

    /**
     * The profile's warm-up and timed trials at one size, every placement this thread can arrange
     * ({@link Placement#arrangeable}) in each round, in alternating order; each placed trial gets its share of the
     * profile's time and round trips, so measuring both placements costs what one did.
     */
    public List<Trial> trials(int size, Profile p) {
        return trials(size, p, Placement.arrangeableHere());
    }

    /** As {@link #trials(int, Profile)}, over {@code placements}. */
    public List<Trial> trials(int size, Profile p, List<Placement> placements) {
        if (placements.isEmpty()) throw new IllegalArgumentException("trials need at least one placement");
        int n = placements.size();
        double seconds = p.pingPongSeconds / n;
        int roundTrips = Math.max(1, p.pingPongRoundTrips / n);
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < p.warmups; i++)
            for (Placement pl : Placement.order(placements, i))
                out.add(trial(size, "warmup", i, roundTrips, seconds, pl));
        for (int i = 0; i < p.trials; i++)
            for (Placement pl : Placement.order(placements, i))
                out.add(trial(size, "timed", i, roundTrips, seconds, pl));
        return out;
    }

    @Override
    public void close() {
        server.close();
    }
}

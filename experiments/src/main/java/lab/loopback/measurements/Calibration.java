package lab.loopback.measurements;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import lab.loopback.echo.PingPong;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.SoftirqThreads;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.KnownPattern;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.tools.Iperf3;
import lab.loopback.tools.Sockperf;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.PatternFile;

/**
 * The workbench's harness beside the C tool that measures the same thing on the same host: iperf3 for the one-way
 * stream written from memory, iperf3 -Z for the stream sent from a file with sendfile(2), sockperf for the
 * ping-pong. Per size, placement and round the two run back to back, pinned alike, the harness first in even rounds
 * and the tool first in odd ones (A B, B A, …), so a drift of the host falls on both and each round gives one paired
 * ratio. Run one after the other (a whole Java sweep, then a whole iperf3 sweep), the ratio
 * at 1 MiB was 0.46 in one run and 0.98 in another on the same host; paired by round, its spread is the interval of the
 * per-round ratios' median ({@link Estimate#ofMedian}, with the coverage it reaches).
 */
public final class Calibration {
    /** The harness's stream is to carry ≥ this share of iperf3's rate; its ping-pong p50 ≤ this multiple of sockperf's. */
    public static final double STREAM_TARGET = 0.95, PING_PONG_TARGET = 1.05;
    /** Seconds of the first ping-pong warm-up trial: a fresh JVM's loops reached C2 after ~1.2 s here. */
    static final double PING_PONG_WARMUP_SECONDS = 2;
    /** A byte bound no calibration trial reaches in its seconds on today's hosts; the time bound ends it. */
    static final long STREAM_MAX_BYTES = 64L << 30;

    /**
     * One round at one size and placement: both measurements, which ran first, the harness's over the tool's, and for
     * the stream the share of the harness's trial its receiver spent comparing bytes (work iperf3's receiver never
     * does; NaN for the ping-pong) and the size of the receiver's reads ({@link StreamRunner#readSize}; the ping-pong's:
     * its message size). For the stream, the share of the peers' CPUs the kernel's ksoftirqd threads took while each
     * side ran ({@link SoftirqThreads}: NET_RX work deferred out of the task that raised it; NaN when not visible, and
     * for the ping-pong). And how often the harness's writing thread blocked, per write or sendfile call (its voluntary
     * context switches, read as waits for room in the send buffer: inferred; NaN when not known, and for the
     * ping-pong): with both peers on one vCPU at 1 MiB, below 0.05 in most rounds here and 0.1-0.5 in the rounds that
     * ran at 16-22 Gbit/s instead of 22-31, with ksoftirqd's share falling (to 1-16 %), and 4-8 in a few rounds (a
     * 1 MiB write can wait more than once). The same for iperf3's client beside it ({@link
     * Iperf3.Result#clientBlocksPerWrite}: its process's voluntary switches per write size sent, from GNU time; NaN
     * without it, and for sockperf). For the ping-pong, the CPU time each peer ran per round trip
     * (µs, a mean), the harness's client and server threads over the timed round trips ({@link PingPong.Trial}),
     * sockperf's client and server processes over a window inside its test ({@link Sockperf.Result}): with both peers
     * on one vCPU the two add up to the mean round trip, so they say on which side a difference lies; NaN for the
     * stream and when not measured.
     */
    public record Pair(
            String tool,
            int size,
            String placement,
            int round,
            String first,
            double java,
            double reference,
            String unit,
            double javaOverReference,
            double javaVerifyShare,
            int javaReadSize,
            double javaKsoftirqdShare,
            double referenceKsoftirqdShare,
            double javaWriterBlocksPerCall,
            double referenceWriterBlocksPerCall,
            double javaClientCpuMicros,
            double javaServerCpuMicros,
            double referenceClientCpuMicros,
            double referenceServerCpuMicros) {
        /** Sent from a file with sendfile(2) against {@code iperf3 -Z}, not written from memory. */
        public boolean sendfile() {
            return Calibration.sendfile(tool);
        }
    }

    /**
     * Per tool, size and placement: the medians over rounds, the paired ratio's median with its interval, the
     * receiver's read size there, the median share of the peers' CPUs ksoftirqd took beside each side, and for the
     * ping-pong how much more CPU per round trip the harness's client and its server ran than sockperf's (µs, the
     * median over rounds of each round's difference; NaN for the stream and where not measured).
     */
    public record Summary(
            String tool,
            int size,
            String placement,
            int rounds,
            double javaMedian,
            double referenceMedian,
            String unit,
            double ratioMedian,
            double ratioLow,
            double ratioHigh,
            double coverage,
            String target,
            String meetsTarget,
            double javaVerifyShareMedian,
            int javaReadSize,
            double javaKsoftirqdShareMedian,
            double referenceKsoftirqdShareMedian,
            double clientCpuExtraMicrosMedian,
            double serverCpuExtraMicrosMedian) {
        /** As {@link Pair#sendfile()}. */
        public boolean sendfile() {
            return Calibration.sendfile(tool);
        }
    }

    /** How a sendfile pair's tool is named: iperf3's version and this. */
    private static final String SENDFILE = " -Z (sendfile)";

    private Calibration() {}

    private static boolean sendfile(String tool) {
        return tool.endsWith(SENDFILE);
    }

    /**
     * What one calibration measures: rounds per size and placement, seconds each side runs (whole seconds: the tools'
     * -t), the stream and ping-pong sizes (either may be empty), whether the stream is also sent with sendfile(2)
     * against iperf3 -Z, and the placements (empty: every one this host can arrange). A run takes its profile's plan;
     * {@code ./lab bench calibration} may ask for more rounds at fewer sizes, because at 1 MiB with both peers on one
     * vCPU iperf3's own rate spread 21-50 Gbit/s in sixteen rounds and a handful of rounds cannot decide the target.
     */
    public record Plan(
            int rounds,
            int seconds,
            List<Integer> streamSizes,
            List<Integer> pingPongSizes,
            boolean sendfile,
            List<Placement> placements) {
        /** The most rounds and seconds a plan may ask for: enough to decide, bounded like every loop of traffic. */
        public static final int MAX_ROUNDS = 200, MAX_SECONDS = 60;

        public Plan {
            if (rounds < 1 || rounds > MAX_ROUNDS)
                throw new IllegalArgumentException("rounds " + rounds + " is outside 1.." + MAX_ROUNDS);
            if (seconds < 1 || seconds > MAX_SECONDS)
                throw new IllegalArgumentException("seconds " + seconds + " is outside 1.." + MAX_SECONDS);
            for (int size : streamSizes)
                if (size < 1 || size > Iperf3.MAX_WRITE)
                    throw new IllegalArgumentException(
                            "stream size " + size + " is outside 1.." + Iperf3.MAX_WRITE + " B (iperf3's -l)");
            for (int size : pingPongSizes)
                if (size < 1 || size > Sockperf.MAX_MESSAGE)
                    throw new IllegalArgumentException(
                            "ping-pong size " + size + " is outside 1.." + Sockperf.MAX_MESSAGE + " B (sockperf's -m)");
            for (Placement pl : placements)
                if (pl != Placement.SAME_CPU && pl != Placement.TWO_CPUS)
                    throw new IllegalArgumentException("placement " + pl.id() + " cannot be calibrated; allowed: "
                            + Placement.SAME_CPU.id() + ", " + Placement.TWO_CPUS.id());
            streamSizes = List.copyOf(streamSizes);
            pingPongSizes = List.copyOf(pingPongSizes);
            placements = List.copyOf(placements);
        }

        /** The profile's rounds, seconds and sizes, with sendfile, at every placement this host can arrange. */
        public static Plan of(Profile p) {
            return new Plan(
                    p.calibrationRounds,
                    p.calibrationSeconds,
                    p.calibrationStreamSizes,
                    p.calibrationPingPongSizes,
                    true,
                    List.of());
        }

        /** The placements to run among those {@code cpus} allow: all of them, or the asked ones that can be arranged. */
        List<Placement> placementsOn(List<Integer> cpus, List<String> notes) {
            List<Placement> here = Placement.arrangeable(cpus);
            if (placements.isEmpty()) return here;
            List<Placement> chosen = new ArrayList<>();
            for (Placement pl : placements) {
                if (here.contains(pl)) chosen.add(pl);
                else notes.add("no calibration with " + pl.describe() + ": this process may use CPUs " + cpus);
            }
            return chosen;
        }
    }

    /**
     * The one-way stream on 127.0.0.1 at every calibration size iperf3 accepts, twice: the harness's verified trial
     * (receiver in a child JVM) written from memory against iperf3, and sent with sendfile(2) from a pattern file
     * against {@code iperf3 -Z} (sendfile from its own file); each side {@link Profile#calibrationSeconds} long with a
     * fresh connection.
     */
    public static List<Pair> stream(RunContext ctx, List<String> notes) {
        return stream(ctx, Plan.of(ctx.profile()), notes);
    }

    /** As {@link #stream(RunContext, List)}, measuring what {@code plan} asks for. */
    public static List<Pair> stream(RunContext ctx, Plan plan, List<String> notes) {
        List<Integer> sizes = plan.streamSizes();
        if (sizes.isEmpty()) return List.of();
        Profile p = ctx.profile();
        if (!Iperf3.installed()) {
            notes.add("iperf3 is not installed (apt-get install iperf3): the stream harness has no reference here");
            return List.of();
        }
        List<Integer> cpus = CpuAffinity.of(0);
        List<Placement> placements = plan.placementsOn(cpus, notes);
        SoftirqThreads softirq = SoftirqThreads.find();
        if (!softirq.sees(cpus))
            notes.add("the kernel's ksoftirqd threads are not visible here (/proc): their share is not recorded");
        if (!Iperf3.countsClientSwitches())
            notes.add("GNU time is not installed (apt-get install time): iperf3's client's blocks per write are not "
                    + "recorded");
        long lifetime = (long) sizes.size() * placements.size() * plan.rounds() * (4L * plan.seconds() + 20) + 120;
        List<Pair> pairs = new ArrayList<>();
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), lifetime)) {
            for (int size : sizes) {
                // the harness's JIT warm-up, outside every pair (iperf3, compiled C, has none)
                runner.placement(null);
                StreamRunner.verified(runner.trial(size, p.trialSeconds, p.trialMaxBytes, "warmup", 0));
                rounds(
                        ctx,
                        plan.rounds(),
                        "Java stream beside iperf3",
                        size,
                        placements,
                        pairs,
                        (pl, round) -> streamPair(ctx, plan, runner, null, size, pl, cpus, softirq, round));
                if (!plan.sendfile()) continue;
                try (PatternFile file =
                        PatternFile.create(Path.of(System.getProperty("java.io.tmpdir")), sendfileBytes(size))) {
                    file.warm();
                    rounds(
                            ctx,
                            plan.rounds(),
                            "Java sendfile beside iperf3 -Z",
                            size,
                            placements,
                            pairs,
                            (pl, round) -> streamPair(ctx, plan, runner, file, size, pl, cpus, softirq, round));
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    notes.add("no sendfile calibration at " + Bytes.human(size) + ": " + e.getMessage());
                }
            }
        } catch (IllegalStateException e) {
            notes.add("the stream calibration stopped: " + e.getMessage());
        }
        return List.copyOf(pairs);
    }

    /**
     * The sendfile calibration's file for one write size: a whole number of pattern periods, so sending it again and
     * again continues the stream the receiver checks, and as near the write size as that allows. iperf3 -Z sends its
     * own buffer file of one write size over and over, so its pages stay in the CPU's caches; a file many times larger
     * would compare cache-cold pages with cache-hot ones.
     */
    static long sendfileBytes(int writeSize) {
        return Math.max(1, Math.round((double) writeSize / KnownPattern.PERIOD)) * KnownPattern.PERIOD;
    }

    /** One round of the stream: written from memory ({@code file} null) or sent from {@code file} with sendfile(2). */
    private static Pair streamPair(
            RunContext ctx,
            Plan plan,
            StreamRunner runner,
            PatternFile file,
            int size,
            Placement pl,
            List<Integer> cpus,
            SoftirqThreads softirq,
            int round) {
        int seconds = plan.seconds();
        int[] at = pinning(pl, cpus);
        // the CPUs the peers ran on: their ksoftirqd threads are the ones that can take the receive path
        Set<Integer> peers = pl == Placement.SCHEDULER ? new TreeSet<>(cpus) : new TreeSet<>(List.of(at[0], at[1]));
        runner.placement(pl);
        Supplier<HarnessResult> java = () -> {
            SoftirqThreads.Shared<StreamTrial> s = softirq.during(
                    peers,
                    () -> StreamRunner.verified(
                            file == null
                                    ? runner.trial(size, seconds, STREAM_MAX_BYTES, "calibration", round)
                                    : runner.trial(
                                            size,
                                            seconds,
                                            "calibration",
                                            round,
                                            c -> {},
                                            sendfileAgain(file),
                                            c -> {})));
            StreamTrial t = s.result();
            return new HarnessResult(
                    t.gbitPerSecond(),
                    t.receiverVerifyNanos() / (t.seconds() * 1e9),
                    t.readSize(),
                    s.share(t.seconds()),
                    t.senderSleeps() < 0 || t.writes() == 0 ? Double.NaN : t.senderSleeps() / (double) t.writes(),
                    Double.NaN,
                    Double.NaN);
        };
        Supplier<ToolResult> tool = () -> {
            SoftirqThreads.Shared<Iperf3.Result> s = softirq.during(
                    peers, () -> Iperf3.run(size, seconds, 0, ctx.toolPort(), at[0], at[1], file != null));
            Iperf3.Result r = s.result();
            // iperf3 says "iperf 3.12"; its transfer lasts its -t seconds, its start and end move no data
            return new ToolResult(
                    r.gbitPerSecond(),
                    r.version() + (file != null ? SENDFILE : ""),
                    s.share(seconds),
                    r.clientBlocksPerWrite(),
                    Double.NaN,
                    Double.NaN);
        };
        return pair("Gbit/s", size, pl, round, java, tool);
    }

    /**
     * sendfile(2) of the whole file from offset 0, again and again until the deadline, as iperf3 -Z sends its buffer
     * file: the file is a whole number of pattern periods, so each whole pass continues the stream the receiver checks.
     */
    private static StreamRunner.SendBody sendfileAgain(PatternFile file) {
        return (c, deadline) -> {
            long bytes = 0, calls = 0;
            int fd = file.open();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment offset = a.allocate(JAVA_LONG);
                while (System.nanoTime() < deadline) {
                    offset.set(JAVA_LONG, 0, 0L);
                    for (long left = file.size(); left > 0; ) {
                        long r = FileCalls.sysSendfileAt(c.fd(), fd, offset, left);
                        calls++;
                        if (r == -Errno.EINTR) continue;
                        if (r < 0) throw new ErrnoException("sendfile(" + c.fd() + ", " + fd + ")", (int) -r);
                        if (r == 0) throw new IllegalStateException("sendfile moved nothing with " + left + " B left");
                        left -= r;
                        bytes += r;
                    }
                }
            } finally {
                Libc.close(fd);
            }
            return new StreamRunner.Sent(bytes, calls);
        };
    }

    /**
     * What the harness measured, the share of it its receiver spent comparing bytes (NaN: none), the size of its
     * receiver's reads (a ping-pong's: the message size, each message read whole), the ksoftirqd share beside it, its
     * writer's blocks per call, and a ping-pong's CPU per round trip of its client and server (NaN: none).
     */
    private record HarnessResult(
            double value,
            double verifyShare,
            int readSize,
            double ksoftirqdShare,
            double writerBlocksPerCall,
            double clientCpuMicros,
            double serverCpuMicros) {}

    /**
     * What the C tool measured, its name with its version, the ksoftirqd share beside it, its writer's blocks per
     * call, and a ping-pong's CPU per round trip of its client and server (NaN: none).
     */
    private record ToolResult(
            double value,
            String tool,
            double ksoftirqdShare,
            double writerBlocksPerCall,
            double clientCpuMicros,
            double serverCpuMicros) {}

    /** One round: the harness first in even rounds, the tool first in odd ones. */
    private static Pair pair(
            String unit, int size, Placement pl, int round, Supplier<HarnessResult> java, Supplier<ToolResult> tool) {
        boolean javaFirst = round % 2 == 0;
        HarnessResult j;
        ToolResult t;
        if (javaFirst) {
            j = java.get();
            t = tool.get();
        } else {
            t = tool.get();
            j = java.get();
        }
        return new Pair(
                t.tool(),
                size,
                pl.id(),
                round,
                javaFirst ? "java" : "tool",
                j.value(),
                t.value(),
                unit,
                j.value() / t.value(),
                j.verifyShare(),
                j.readSize(),
                j.ksoftirqdShare(),
                t.ksoftirqdShare(),
                j.writerBlocksPerCall(),
                t.writerBlocksPerCall(),
                j.clientCpuMicros(),
                j.serverCpuMicros(),
                t.clientCpuMicros(),
                t.serverCpuMicros());
    }

    /**
     * Round trips over TCP on 127.0.0.1 through {@code pp} (the shootout's own ping-pong runner) against sockperf's
     * ping-pong, at the calibration sizes sockperf accepts: the harness's p50 over sockperf's.
     */
    public static List<Pair> pingPong(RunContext ctx, PingPong pp, List<String> notes) {
        return pingPong(ctx, Plan.of(ctx.profile()), pp, notes);
    }

    /** As {@link #pingPong(RunContext, PingPong, List)}, measuring what {@code plan} asks for. */
    public static List<Pair> pingPong(RunContext ctx, Plan plan, PingPong pp, List<String> notes) {
        if (plan.pingPongSizes().isEmpty()) return List.of();
        if (!Sockperf.installed()) {
            notes.add(
                    "sockperf is not installed (Debian package sockperf): the ping-pong harness has no reference here");
            return List.of();
        }
        List<Integer> cpus = CpuAffinity.of(0);
        List<Placement> placements = plan.placementsOn(cpus, notes);
        List<Pair> pairs = new ArrayList<>();
        try {
            for (int size : plan.pingPongSizes()) {
                warmUp(ctx, plan, pp, size, cpus, placements);
                rounds(
                        ctx,
                        plan.rounds(),
                        "Java ping-pong beside sockperf",
                        size,
                        placements,
                        pairs,
                        (pl, round) -> pingPongPair(ctx, plan, pp, size, pl, cpus, round));
            }
        } catch (IllegalStateException e) {
            notes.add("the ping-pong calibration stopped: " + e.getMessage());
        }
        return List.copyOf(pairs);
    }

    /**
     * The harness's JIT warm-up before a ping-pong size's first pair, outside every pair (sockperf, compiled C, has
     * none), as the stream's has. Without it a fresh JVM's first round ran its client loop interpreted and then in C1
     * code for most of its length (C2 arrived 1.2 s in here) and read 0.4-1.4 µs more CPU per round trip on each
     * side. Two trials: in the first the loops reach C2; its end takes each loop's exit, which C2 had never seen taken
     * and deoptimises, so the second lets that recompilation happen here rather than in a timed round. Both peers on
     * one vCPU where this process may arrange it, whichever placements the plan times: the most round trips per second.
     */
    private static void warmUp(
            RunContext ctx, Plan plan, PingPong pp, int size, List<Integer> cpus, List<Placement> placements) {
        if (placements.isEmpty()) return;
        Placement pl =
                Placement.arrangeable(cpus).contains(Placement.SAME_CPU) ? Placement.SAME_CPU : placements.getFirst();
        int roundTrips = ctx.profile().pingPongRoundTrips;
        ctx.progress("calibration: warming the Java ping-pong up, " + Bytes.human(size) + ", " + pl.describe());
        pp.trial(size, "warmup", 0, roundTrips, Math.max(PING_PONG_WARMUP_SECONDS, plan.seconds()), pl);
        pp.trial(size, "warmup", 1, roundTrips, plan.seconds(), pl);
    }

    private static Pair pingPongPair(
            RunContext ctx, Plan plan, PingPong pp, int size, Placement pl, List<Integer> cpus, int round) {
        Profile p = ctx.profile();
        int[] at = pinning(pl, cpus);
        Supplier<HarnessResult> java = () -> {
            PingPong.Trial t = pp.trial(size, "calibration", round, p.pingPongRoundTrips, plan.seconds(), pl);
            return new HarnessResult(
                    t.stats().p50Micros(),
                    Double.NaN,
                    size,
                    Double.NaN,
                    Double.NaN,
                    t.clientCpuMicrosPerRoundTrip(),
                    t.serverCpuMicrosPerRoundTrip());
        };
        Supplier<ToolResult> tool = () -> {
            Sockperf.Result r = Sockperf.pingPong(
                    Math.max(size, Sockperf.MIN_MESSAGE), plan.seconds(), ctx.toolPort(), at[1], at[0]);
            return new ToolResult(
                    r.p50Micros(),
                    "sockperf " + r.version(),
                    Double.NaN,
                    Double.NaN,
                    r.clientCpuMicrosPerRoundTrip(),
                    r.serverCpuMicrosPerRoundTrip());
        };
        return pair("µs p50", size, pl, round, java, tool);
    }

    /** Every round at one size, each running every placement, which placement goes first alternating by round. */
    private static void rounds(
            RunContext ctx,
            int n,
            String what,
            int size,
            List<Placement> placements,
            List<Pair> into,
            BiFunction<Placement, Integer, Pair> one) {
        for (int round = 0; round < n; round++) {
            for (Placement pl : Placement.order(placements, round)) {
                ctx.progress("calibration: " + what + ", " + Bytes.human(size) + ", " + pl.describe() + ", round "
                        + (round + 1) + " of " + n);
                into.add(one.apply(pl, round));
            }
        }
    }

    /** {client CPU, server CPU} of a placement here; -1 each when the scheduler places them. */
    private static int[] pinning(Placement pl, List<Integer> cpus) {
        return pl == Placement.SCHEDULER ? new int[] {-1, -1} : pl.cpus(cpus);
    }

    /**
     * One row per tool, size and placement, in the order the pairs ran. Whether the harness meets its target (a stream
     * ratio ≥ {@value #STREAM_TARGET}, a ping-pong ratio ≤ {@value #PING_PONG_TARGET}): "yes" or "no" when the whole
     * interval is on one side, "undecided" when it straddles the target, "too few rounds" while the interval covers
     * less than {@link Estimate#TARGET} (fewer than six rounds: the quick profile's two never decide).
     */
    public static List<Summary> summarize(List<Pair> pairs) {
        Map<String, List<Pair>> groups = new LinkedHashMap<>();
        for (Pair q : pairs)
            groups.computeIfAbsent(q.tool() + "|" + q.size() + "|" + q.placement(), k -> new ArrayList<>())
                    .add(q);
        List<Summary> out = new ArrayList<>();
        for (List<Pair> g : groups.values()) {
            Pair first = g.getFirst();
            Estimate ratio = Estimate.ofMedian(
                    g.stream().mapToDouble(Pair::javaOverReference).toArray());
            boolean stream = first.unit().equals("Gbit/s");
            double target = stream ? STREAM_TARGET : PING_PONG_TARGET;
            out.add(new Summary(
                    first.tool(),
                    first.size(),
                    first.placement(),
                    g.size(),
                    Estimate.medianOf(g, Pair::java),
                    Estimate.medianOf(g, Pair::reference),
                    first.unit(),
                    ratio.median(),
                    ratio.low(),
                    ratio.high(),
                    ratio.confidence(),
                    (stream ? "≥ " : "≤ ") + target,
                    meets(ratio, target, stream),
                    stream ? Estimate.medianOf(g, Pair::javaVerifyShare) : Double.NaN,
                    first.javaReadSize(),
                    Estimate.medianOfMeasured(g, Pair::javaKsoftirqdShare),
                    Estimate.medianOfMeasured(g, Pair::referenceKsoftirqdShare),
                    Estimate.medianOfMeasured(g, q -> q.javaClientCpuMicros() - q.referenceClientCpuMicros()),
                    Estimate.medianOfMeasured(g, q -> q.javaServerCpuMicros() - q.referenceServerCpuMicros())));
        }
        return out;
    }

    static String meets(Estimate ratio, double target, boolean higherIsBetter) {
        if (ratio.confidence() < Estimate.TARGET)
            return String.format("too few rounds (interval covers %.0f %%)", ratio.confidence() * 100);
        if (higherIsBetter ? ratio.low() >= target : ratio.high() <= target) return "yes";
        if (higherIsBetter ? ratio.high() < target : ratio.low() > target) return "no";
        return "undecided";
    }
}

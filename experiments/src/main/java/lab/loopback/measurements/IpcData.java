package lab.loopback.measurements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lab.loopback.echo.PingPong;
import lab.loopback.ipc.SharedMemoryRing;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.uring.IoUringSupport;
import lab.loopback.workbench.RunContext;

/**
 * The IPC shootout's measurements, shared by IPC-1, IPC-2 and MORE-2: for every transport (peers in separate
 * processes, one harness) verified one-way throughput at each message size (the stream runner, message size =
 * write and read size) and request/response latency (the ping-pong runner). A transport this host cannot offer
 * is listed with the reason instead.
 */
public final class IpcData {
    public static final String KEY = "ipc-shootout";

    /**
     * Throughput at one size: median and interval over the timed trials, and both peers' CPU per byte; {@code placement}
     * is where the sender and the receiver's reading thread ran ({@link Placement#id}): the same for every transport.
     */
    public record Throughput(
            String transport,
            int size,
            double gbitPerSecond,
            double low,
            double high,
            double cpuNsPerByte,
            double writesPerMessage,
            int trials,
            String placement) {}

    /**
     * Where every transport's stream runs: the peers on two vCPUs where the host has two (a stream's natural
     * placement; on one vCPU the sweep here gave lo less than half the rate), so transports are compared on one
     * placement, never on whichever the scheduler chose for each.
     */
    public static Placement streamPlacement() {
        return Placement.arrangeableHere().getLast();
    }

    /**
     * Round trips at one size and one placement of the peers ({@link Placement#id()}): each percentile is the median
     * over that placement's timed trials; p50's interval too.
     */
    public record Latency(
            String transport,
            int size,
            String placement,
            double p50Micros,
            double p50Low,
            double p50High,
            double p90Micros,
            double p99Micros,
            double p999Micros,
            double maxMicros,
            long roundTrips,
            double sleepsPerRoundTrip,
            double clientCpuMicrosPerRoundTrip) {}

    /**
     * What the shootout measured; {@code references}: the Java ping-pong over TCP lo beside sockperf's, same size and
     * placement, interleaved round by round (empty when not asked for or not possible: {@code referenceMissing} says why).
     */
    public record Result(
            List<Throughput> throughput,
            List<Latency> latency,
            Map<String, String> unavailable,
            List<Calibration.Pair> references,
            String referenceMissing) {
        public Throughput stream(String transport, int size) {
            return throughput.stream()
                    .filter(t -> t.transport().equals(transport) && t.size() == size)
                    .findFirst()
                    .orElse(null);
        }

        public Latency trip(String transport, int size, Placement placement) {
            return latency.stream()
                    .filter(t -> t.transport().equals(transport)
                            && t.size() == size
                            && t.placement().equals(placement.id()))
                    .findFirst()
                    .orElse(null);
        }

        /** Whether {@code transport}'s round trips were measured at {@code size}, in any placement. */
        public boolean hasTrips(String transport, int size) {
            return latency.stream().anyMatch(t -> t.transport().equals(transport) && t.size() == size);
        }

        /**
         * Where the streams ran, as recorded ("the peers on two vCPUs"); more than one only in a run that did not place
         * them.
         */
        public String streamsWhere() {
            return throughput.stream()
                    .map(t -> Placement.parse(t.placement()).describe())
                    .distinct()
                    .collect(Collectors.joining("; "));
        }

        /** The placements the round trips were measured in, in {@link Placement} order. */
        public List<Placement> placements() {
            return latency.stream()
                    .map(t -> Placement.parse(t.placement()))
                    .distinct()
                    .sorted()
                    .toList();
        }

        /**
         * Which of {@code a} and {@code b} had the shorter median round trip at {@code size}: +1 for {@code a}, -1 for
         * {@code b}, when its p50 interval lies below the other's in every placement both were measured in; 0 when
         * the intervals overlap in one, the placements disagree, or neither was measured.
         */
        public int latencyLead(String a, String b, int size) {
            int lead = 0;
            for (Placement pl : placements()) {
                Latency la = trip(a, size, pl), lb = trip(b, size, pl);
                if (la == null || lb == null) continue;
                int here = la.p50High() < lb.p50Low() ? 1 : lb.p50High() < la.p50Low() ? -1 : 0;
                if (here == 0 || (lead != 0 && here != lead)) return 0;
                lead = here;
            }
            return lead;
        }

        /** Every size measured by either runner. */
        public List<Integer> sizes() {
            return Stream.concat(
                            throughput.stream().map(Throughput::size),
                            latency.stream().map(Latency::size))
                    .distinct()
                    .sorted()
                    .toList();
        }

        public boolean has(String transport) {
            return !unavailable.containsKey(transport)
                    && latency.stream().anyMatch(t -> t.transport().equals(transport));
        }
    }

    private IpcData() {}

    /** Every IPC transport, measured once per run. */
    public static Result all(RunContext ctx) {
        return ctx.shared(KEY, () -> measure(ctx, Transports.IPC, true, true));
    }

    /** The run's shootout when it has one; else {@code ids} measured now, with the stream runner only if {@code streams}. */
    public static Result sharedOr(RunContext ctx, List<String> ids, boolean streams) {
        return ctx.<Result>sharedIfPresent(KEY).orElseGet(() -> measure(ctx, ids, streams, false));
    }

    /** Why {@code id} cannot run on this host, or null. */
    public static String unavailable(String id) {
        if (id.equals("uring")) {
            IoUringSupport.Availability a = IoUringSupport.check();
            return a.available() ? null : a.reason();
        }
        if (id.equals("shm")) return SharedMemoryRing.unavailable();
        return null;
    }

    /**
     * Round trips of every transport in {@code ids}; with {@code streams} also throughput; with {@code reference} the
     * TCP lo round trips beside sockperf's, interleaved ({@link Calibration#pingPong}).
     */
    static Result measure(RunContext ctx, List<String> ids, boolean streams, boolean reference) {
        Profile p = ctx.profile();
        List<Throughput> tp = new ArrayList<>();
        List<Latency> lat = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        List<Calibration.Pair> refs = new ArrayList<>();
        List<String> refNotes = new ArrayList<>();
        for (String id : ids) {
            String why = unavailable(id);
            if (why != null) {
                missing.put(id, why);
                continue;
            }
            StreamTransport t = Transports.byId(id);
            if (streams)
                try (StreamRunner r = StreamRunner.start(t, "", 900)) {
                    r.placement(streamPlacement());
                    for (int size : p.ipcSizes) {
                        ctx.progress("IPC stream over " + id + " at " + Bytes.human(size));
                        tp.add(throughput(id, size, r.trials(size, p)));
                    }
                }
            try (PingPong pp = PingPong.start(t, 900)) {
                for (int size : p.ipcSizes) {
                    ctx.progress("IPC round trips over " + id + " at " + Bytes.human(size));
                    lat.addAll(latency(id, size, pp.trials(size, p)));
                }
                // the C reference through the same runner, interleaved with it round by round
                if (reference && id.equals("tcp-lo")) refs.addAll(Calibration.pingPong(ctx, pp, refNotes));
            }
        }
        String refMissing = !reference
                ? "no C reference was asked for"
                : !ids.contains("tcp-lo")
                        ? "TCP over lo was not measured"
                        : refNotes.isEmpty() ? null : String.join("; ", refNotes);
        return new Result(tp, lat, missing, refs, refMissing);
    }

    public static Throughput throughput(String id, int size, List<StreamTrial> trials) {
        List<StreamTrial> timed =
                trials.stream().filter(t -> t.phase().equals("timed")).toList();
        Estimate e = Estimate.ofMedian(
                timed.stream().mapToDouble(StreamTrial::gbitPerSecond).toArray());
        double cpu = Estimate.ofMedian(
                        timed.stream().mapToDouble(StreamTrial::cpuNanosPerByte).toArray())
                .median();
        double writes = timed.stream()
                .mapToDouble(t -> t.writes() / ((double) t.bytesSent() / size))
                .average()
                .orElse(Double.NaN);
        List<String> placements =
                timed.stream().map(StreamTrial::placement).distinct().toList();
        String placement = placements.size() == 1 ? placements.getFirst() : Placement.UNRECORDED.id();
        return new Throughput(id, size, e.median(), e.low(), e.high(), cpu, writes, timed.size(), placement);
    }

    /** Per placement the trials ran in, the round trips at one size (a trial's placement as it was arranged). */
    public static List<Latency> latency(String id, int size, List<PingPong.Trial> trials) {
        List<Latency> out = new ArrayList<>();
        for (Placement pl : Placement.values()) {
            List<PingPong.Trial> timed = trials.stream()
                    .filter(t -> t.phase().equals("timed") && t.placement().equals(pl.id()))
                    .toList();
            if (!timed.isEmpty()) out.add(latency(id, size, pl, timed));
        }
        return out;
    }

    private static Latency latency(String id, int size, Placement pl, List<PingPong.Trial> timed) {
        Estimate p50 = Estimate.ofMedian(
                timed.stream().mapToDouble(t -> t.stats().p50Micros()).toArray());
        return new Latency(
                id,
                size,
                pl.id(),
                p50.median(),
                p50.low(),
                p50.high(),
                Estimate.medianOf(timed, t -> t.stats().p90Micros()),
                Estimate.medianOf(timed, t -> t.stats().p99Micros()),
                Estimate.medianOf(timed, t -> t.stats().p999Micros()),
                Estimate.medianOf(timed, t -> t.stats().maxMicros()),
                timed.stream().mapToLong(t -> t.stats().roundTrips()).sum(),
                Estimate.medianOf(timed, PingPong.Trial::sleepsPerRoundTrip),
                Estimate.medianOf(timed, PingPong.Trial::clientCpuMicrosPerRoundTrip));
    }
}

package lab.loopback.measurements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.result.RecordTable;
import lab.loopback.tools.Iperf3;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RunContext;

/**
 * The one-way TCP stream over 127.0.0.1 at every write size of the profile: the Java harness (receiver in a
 * child JVM, every byte checked) in each placement of the peers this host can arrange (both on one vCPU, on two),
 * alternating trial by trial, and, when installed, iperf3 at the same sizes in the same run, unpinned as the article
 * ran it. A Java rate is per placement, never pooled: on one vCPU the two peers share it, on two they run side by side.
 */
public record StreamSweep(List<StreamTrial> trials, List<Iperf3.Result> iperf3, List<String> iperf3Notes) {

    /** The sweep as a finished run recorded it (stream-throughput's java-trials and, when iperf3 ran, iperf3-runs). */
    public static StreamSweep recorded(Recorded r) {
        return new StreamSweep(
                RecordTable.rows(
                        RecordTable.withDefaults(
                                r.table("java-trials"),
                                Map.of(
                                        "placement", Placement.UNRECORDED.id(),
                                        "sender_sleeps", -1L,
                                        "sender_preemptions", -1L)),
                        StreamTrial.class),
                r.view().tables().containsKey("iperf3-runs")
                        ? RecordTable.rows(
                                // a run before these were recorded: not counted
                                RecordTable.withDefaults(
                                        r.table("iperf3-runs"),
                                        Map.of("bytes_sent", -1L, "client_voluntary_switches", -1L)),
                                Iperf3.Result.class)
                        : List.of(),
                List.of());
    }

    public static StreamSweep of(RunContext ctx) {
        return ctx.shared("stream-sweep", () -> measure(ctx));
    }

    private static StreamSweep measure(RunContext ctx) {
        var p = ctx.profile();
        List<StreamTrial> trials = new ArrayList<>();
        List<Placement> placements = Placement.arrangeableHere();
        int timed = trialsPerPlacement(p.trials, placements.size());
        long lifetime =
                (long) (p.writeSizes.size() * placements.size() * (p.warmups + timed) * (p.trialSeconds + 5)) + 120;
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), lifetime)) {
            for (int size : p.writeSizes) {
                ctx.progress("java stream, " + size + " B writes, " + placements.size() + " placements of the peers");
                // warm-ups, then timed trials; each a pair of the placements, which goes first alternating (A B, B A)
                for (int k = 0; k < p.warmups + timed; k++)
                    for (Placement pl : Placement.order(placements, k)) {
                        runner.placement(pl);
                        boolean warm = k < p.warmups;
                        trials.add(StreamRunner.verified(runner.trial(
                                size,
                                p.trialSeconds,
                                p.trialMaxBytes,
                                warm ? "warmup" : "timed",
                                warm ? k : k - p.warmups)));
                    }
            }
        }
        List<Iperf3.Result> ref = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!Iperf3.installed()) {
            notes.add("iperf3 is not installed (apt-get install iperf3); the Java harness stands alone");
        } else {
            for (int size : p.writeSizes) {
                if (size > Iperf3.MAX_WRITE) {
                    notes.add("iperf3 was not run at " + size + " B writes: it refuses -l above " + Iperf3.MAX_WRITE
                            + " B");
                    continue;
                }
                ctx.progress("iperf3, " + size + " B writes");
                try {
                    for (int r = 0; r < p.iperf3Runs; r++) {
                        ref.add(Iperf3.run(size, p.iperf3Seconds, p.iperf3OmitSeconds, ctx.toolPort()));
                    }
                } catch (IllegalStateException e) {
                    // a reference-tool failure costs the comparison at this size, not the Java measurements
                    ref.removeIf(r -> r.writeSize() == size);
                    notes.add("iperf3 failed at " + size + " B writes, so no comparison there: " + e.getMessage());
                    ctx.progress("iperf3 failed at " + size + " B writes: " + e.getMessage());
                }
            }
        }
        return new StreamSweep(List.copyOf(trials), List.copyOf(ref), List.copyOf(notes));
    }

    /**
     * Timed trials per placement: the profile's count shared among the placements (the sweep costs what one unplaced
     * pass did), at least three, so that each placement's median has a [min, max] interval.
     */
    static int trialsPerPlacement(int trials, int placements) {
        return Math.max(3, (trials + placements - 1) / placements);
    }

    /** The timed trials at one write size in one placement of the peers ({@link Placement#id}). */
    public List<StreamTrial> timed(int writeSize, String placement) {
        return trials.stream()
                .filter(t -> t.writeSize() == writeSize
                        && t.phase().equals("timed")
                        && t.placement().equals(placement))
                .toList();
    }

    /** The placements of the peers the harness ran in, in the order first met. */
    public List<String> placements() {
        return trials.stream().map(StreamTrial::placement).distinct().toList();
    }

    /** Median and interval of the Java harness's Gbit/s at one write size in one placement. */
    public Estimate javaGbit(int writeSize, String placement) {
        return Estimate.ofMedian(timed(writeSize, placement).stream()
                .mapToDouble(StreamTrial::gbitPerSecond)
                .toArray());
    }

    /** The placement in which the harness's median rate at {@code writeSize} was highest (its best case there). */
    public String fastestPlacement(int writeSize) {
        return placements().stream()
                .filter(pl -> !timed(writeSize, pl).isEmpty())
                .max((a, b) -> Double.compare(
                        javaGbit(writeSize, a).median(), javaGbit(writeSize, b).median()))
                .orElseThrow(() -> new IllegalArgumentException("no timed Java trial at " + writeSize + " B writes"));
    }

    /** The harness's rate at {@code writeSize} in its {@link #fastestPlacement} there. */
    public Estimate javaGbit(int writeSize) {
        return javaGbit(writeSize, fastestPlacement(writeSize));
    }

    /**
     * The fastest stream of the sweep, named by its configuration: the harness at its best write size (and the placement
     * of the peers it was fastest in), or iperf3 at its best, whichever moved more. TLDR-3 compares it with memcpy and
     * PERF-1 shows it beside the article's figure; {@code source} is what a sentence names it by.
     */
    public record Fastest(String source, int writeSize, double gbitPerSecond) {
        public double bytesPerSecond() {
            return gbitPerSecond * 1e9 / 8;
        }
    }

    public Fastest fastest() {
        int size = bestJavaSize();
        double harness = javaGbit(size).median();
        if (!hasIperf3() || iperf3Gbit(bestIperf3Size()).median() <= harness)
            return new Fastest(
                    "the harness, " + Placement.parse(fastestPlacement(size)).describe(), size, harness);
        int at = bestIperf3Size();
        return new Fastest("iperf3", at, iperf3Gbit(at).median());
    }

    /** The harness's write size with the highest median rate (in its fastest placement there). */
    public int bestJavaSize() {
        return sizes().stream()
                .max((a, b) -> Double.compare(javaGbit(a).median(), javaGbit(b).median()))
                .orElseThrow();
    }

    /** iperf3's write size with the highest median rate; only where iperf3 ran ({@link #hasIperf3()}). */
    public int bestIperf3Size() {
        return iperf3Sizes().stream()
                .max((a, b) ->
                        Double.compare(iperf3Gbit(a).median(), iperf3Gbit(b).median()))
                .orElseThrow(() -> new IllegalStateException("iperf3 did not run in this sweep"));
    }

    /** iperf3's highest median rate over its write sizes; 0 without iperf3. */
    public double bestIperf3Gbit() {
        return hasIperf3() ? iperf3Gbit(bestIperf3Size()).median() : 0;
    }

    /** CPU per byte of both peers at {@code writeSize}, in the {@link #fastestPlacement} there. */
    public Estimate javaCpuNanosPerByte(int writeSize) {
        return Estimate.ofMedian(timed(writeSize, fastestPlacement(writeSize)).stream()
                .mapToDouble(StreamTrial::cpuNanosPerByte)
                .toArray());
    }

    public boolean hasIperf3() {
        return !iperf3.isEmpty();
    }

    public boolean hasIperf3(int writeSize) {
        return iperf3.stream().anyMatch(r -> r.writeSize() == writeSize);
    }

    /** The write sizes at which iperf3 ran. */
    public List<Integer> iperf3Sizes() {
        return sizes().stream().filter(this::hasIperf3).toList();
    }

    public Estimate iperf3Gbit(int writeSize) {
        return Estimate.ofMedian(iperf3.stream()
                .filter(r -> r.writeSize() == writeSize)
                .mapToDouble(Iperf3.Result::gbitPerSecond)
                .toArray());
    }

    public List<Integer> sizes() {
        return trials.stream().map(StreamTrial::writeSize).distinct().sorted().toList();
    }
}

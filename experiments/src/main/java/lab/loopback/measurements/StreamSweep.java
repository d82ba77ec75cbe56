package lab.loopback.measurements;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.tools.Iperf3;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RunContext;

/**
 * The one-way TCP stream over 127.0.0.1 at every write size of the profile: the Java harness (receiver in a
 * child JVM, every byte checked) and, when installed, iperf3 at the same sizes in the same run.
 */
public record StreamSweep(List<StreamTrial> trials, List<Iperf3.Result> iperf3, List<String> iperf3Notes) {

    /** The sweep as a finished run recorded it (stream-throughput's java-trials and, when iperf3 ran, iperf3-runs). */
    public static StreamSweep recorded(Recorded r) {
        return new StreamSweep(
                r.rows("java-trials", StreamTrial.class),
                r.view().tables().containsKey("iperf3-runs") ? r.rows("iperf3-runs", Iperf3.Result.class) : List.of(),
                List.of());
    }

    public static StreamSweep of(RunContext ctx) {
        return ctx.shared("stream-sweep", () -> measure(ctx));
    }

    private static StreamSweep measure(RunContext ctx) {
        var p = ctx.profile();
        List<StreamTrial> trials = new ArrayList<>();
        long lifetime = (long) (p.writeSizes.size() * (p.warmups + p.trials) * (p.trialSeconds + 5)) + 120;
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), lifetime)) {
            for (int size : p.writeSizes) {
                ctx.progress("java stream, " + size + " B writes");
                trials.addAll(runner.trials(size, p));
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

    public List<StreamTrial> timed(int writeSize) {
        return trials.stream()
                .filter(t -> t.writeSize() == writeSize && t.phase().equals("timed"))
                .toList();
    }

    /** Median and interval of the Java harness's Gbit/s at one write size. */
    public Estimate javaGbit(int writeSize) {
        return Estimate.ofMedian(timed(writeSize).stream()
                .mapToDouble(StreamTrial::gbitPerSecond)
                .toArray());
    }

    public Estimate javaCpuNanosPerByte(int writeSize) {
        return Estimate.ofMedian(timed(writeSize).stream()
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

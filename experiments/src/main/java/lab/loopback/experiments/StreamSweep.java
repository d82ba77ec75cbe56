package lab.loopback.experiments;

import lab.loopback.ipc.Transports;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.tools.Iperf3;

import java.util.ArrayList;
import java.util.List;

/**
 * The one-way TCP stream over 127.0.0.1 at every write size of the profile: the Java harness (receiver in a
 * child JVM, every byte checked) and, when installed, iperf3 at the same sizes in the same run.
 */
public record StreamSweep(List<StreamTrial> trials, List<Iperf3.Result> iperf3, String iperf3Absent) {

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
        String absent = null;
        if (!Iperf3.installed()) {
            absent = "iperf3 is not installed (apt-get install iperf3); the Java harness stands alone";
        } else {
            for (int size : p.writeSizes) {
                ctx.progress("iperf3, " + size + " B writes");
                for (int r = 0; r < p.iperf3Runs; r++) {
                    ref.add(Iperf3.run(size, p.iperf3Seconds, p == lab.loopback.measure.Profile.QUICK ? 0 : 1, ctx.toolPort()));
                }
            }
        }
        return new StreamSweep(List.copyOf(trials), List.copyOf(ref), absent);
    }

    public List<StreamTrial> timed(int writeSize) {
        return trials.stream().filter(t -> t.writeSize() == writeSize && t.phase().equals("timed")).toList();
    }

    /** Median and interval of the Java harness's Gbit/s at one write size. */
    public Estimate javaGbit(int writeSize) {
        return Estimate.ofMedian(timed(writeSize).stream().mapToDouble(StreamTrial::gbitPerSecond).toArray());
    }

    public Estimate javaCpuNanosPerByte(int writeSize) {
        return Estimate.ofMedian(timed(writeSize).stream().mapToDouble(StreamTrial::cpuNanosPerByte).toArray());
    }

    public boolean hasIperf3() {
        return !iperf3.isEmpty();
    }

    public Estimate iperf3Gbit(int writeSize) {
        return Estimate.ofMedian(iperf3.stream().filter(r -> r.writeSize() == writeSize).mapToDouble(Iperf3.Result::gbitPerSecond).toArray());
    }

    public List<Integer> sizes() {
        return trials.stream().map(StreamTrial::writeSize).distinct().sorted().toList();
    }
}

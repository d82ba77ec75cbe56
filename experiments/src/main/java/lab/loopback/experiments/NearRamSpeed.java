package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Claim;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.MemcpyBaseline;
import lab.loopback.measure.Placement;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.measurements.StreamSweep;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.tools.CpuSamples;
import lab.loopback.tools.Iperf3;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.XYChart;

/**
 * TLDR-3: "near-RAM speed socket communication". The best loopback stream of this run against what this
 * host's CPU copies per second, cache-resident and DRAM-sized, as ratios. A stream over a socket copies
 * each byte at least twice (into the kernel, out of it), so a ratio above ½ would already need a copy
 * the kernel does not make; "near RAM speed" is judged against the DRAM-sized memcpy.
 */
@Measures(
        name = "near-ram-speed",
        claims = {"TLDR-3"})
public final class NearRamSpeed implements Experiment {
    /** "near" RAM speed: at least 80 % of the DRAM memcpy rate. */
    static final double NEAR = 0.8;
    /** Below 40 % the claim is not near in any sense a reader would accept. */
    static final double FAR = 0.4;

    private static final String STREAM_OVER_DRAM = "the fastest stream's rate as a share of a DRAM-sized memcpy's";
    /** Cache-resident reference size: a copy that stays within a typical L2. */
    static final long CACHE_SIZE = 64 * 1024;

    static final Rule<Double> RULE = Rule.<Double>forClaim("TLDR-3")
            .when(Verdict.SUPPORTED, Condition.atLeast(STREAM_OVER_DRAM, r -> r, NEAR, Shown.PERCENT))
            .when(Verdict.PARTLY_TRUE, Condition.atLeast(STREAM_OVER_DRAM, r -> r, FAR, Shown.PERCENT))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(double ratioToDram) {
        return RULE.judge(ratioToDram);
    }

    /**
     * TLDR-3 from the recorded memcpy sweep and stream-throughput's recorded trials: the best stream rate (the harness
     * at its best write size, or iperf3) over the DRAM-sized memcpy rate.
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<MemcpyBaseline.Point> memcpy = r.rows("memcpy", MemcpyBaseline.Point.class);
        double stream = r.view().tables().containsKey(BEST_STREAM)
                ? r.first(BEST_STREAM, StreamSweep.Fastest.class, b -> true, "at all")
                        .bytesPerSecond()
                : StreamSweep.recorded(r.other("stream-throughput"))
                        .fastest()
                        .bytesPerSecond(); // runs before best-stream
        Estimate dram = dram(memcpy);
        double ratio = stream / dram.median();
        return new RecordedRule.Judgement(
                judge(ratio),
                ratio,
                String.format(
                        "best stream %.2f GB/s over DRAM memcpy %.2f GB/s = %.3f",
                        stream / 1e9, dram.median() / 1e9, ratio));
    }

    /** The memcpy rate of the sweep's largest working set (DRAM-sized). */
    static Estimate dram(List<MemcpyBaseline.Point> memcpy) {
        return MemcpyBaseline.rateAt(
                memcpy,
                memcpy.stream().mapToLong(MemcpyBaseline.Point::size).max().orElseThrow());
    }

    /**
     * The stream this run compared with memcpy ({@link StreamSweep#fastest}), recorded here as table 'best-stream'
     * because the sweep it comes from is recorded only by stream-throughput, which a partial run may not include.
     */
    static final String BEST_STREAM = "best-stream";

    /** The stream profiled for TLDR-3's attribution: long enough for thousands of samples at 999 Hz on each CPU. */
    static final long PROFILED_BYTES = 2L << 30;

    /** cpu-clock samples over all CPUs during an iperf3 stream, or why there are none. */
    private static CpuSamples.Result cpuSamples(RunContext ctx) {
        if (!Iperf3.installed())
            return new CpuSamples.Result("", 0, List.of(), "iperf3 is not installed (Debian package iperf3)");
        ctx.progress("perf cpu-clock samples during a " + Bytes.human(PROFILED_BYTES) + " iperf3 stream");
        return CpuSamples.around(wrap -> Iperf3.runWrapped(wrap, PROFILED_BYTES, ctx.toolPort()), 999);
    }

    /** What the samples say holds the stream back, or that nothing here attributes it. */
    static String attribution(CpuSamples.Result samples) {
        if (samples.unavailable() != null)
            return "What holds it below that here is not attributed (" + samples.unavailable() + ").";
        StringBuilder b = new StringBuilder(
                "Where the CPU went during a 64 KiB iperf3 stream (cpu-clock samples of every CPU, grouped by symbol name): ");
        for (CpuSamples.Share s : samples.shares()) b.append(String.format("%s %.0f %%, ", s.kind(), s.percent()));
        return b.substring(0, b.length() - 2) + ".";
    }

    @Override
    public Outcome run(RunContext ctx) {
        Claim claim = ctx.claim("TLDR-3");
        List<MemcpyBaseline.Point> memcpy = KernelEvidence.memcpy(ctx);
        StreamSweep s = StreamSweep.of(ctx);
        Outcome o = new Outcome(name());
        o.table("memcpy", RecordTable.of("memcpy", MemcpyBaseline.Point.class, memcpy));
        StreamSweep.Fastest best = s.fastest();
        o.table(BEST_STREAM, RecordTable.of(BEST_STREAM, StreamSweep.Fastest.class, List.of(best)));

        long dramSize =
                memcpy.stream().mapToLong(MemcpyBaseline.Point::size).max().orElseThrow();
        Estimate dram = dram(memcpy);
        Estimate cache = MemcpyBaseline.rateAt(memcpy, CACHE_SIZE);
        int bestSize = s.bestJavaSize();
        double streamBytes = best.bytesPerSecond();
        double ratioDram = streamBytes / dram.median();
        double ratioCache = streamBytes / cache.median();
        // copy-equivalents: the stream's CPU per byte in units of this host's memcpy cost per byte
        double cpuPerByte = s.javaCpuNanosPerByte(bestSize).median();
        double copiesDram = cpuPerByte / (1e9 / dram.median());
        double copiesCache = cpuPerByte / (1e9 / cache.median());
        Verdict v = judge(ratioDram);
        long llc = ctx.host().lastLevelCacheBytes();
        CpuSamples.Result samples = cpuSamples(ctx);
        if (!samples.shares().isEmpty())
            o.table("cpu-samples", RecordTable.of("cpu-samples", CpuSamples.Share.class, samples.shares()));
        String summary = String.format(
                "The fastest stream of this run's throughput sweep (%s, %s writes, %s congestion control) moves %.2f GB/s, %.0f%% of what this CPU copies in DRAM (%.2f GB/s at %s) and %.0f%% of a cache-resident copy (%.2f GB/s); "
                        + "the harness's own stream at its best write size (%s) costs both peers %.1f DRAM-memcpy-equivalents of CPU per byte. %s",
                best.source(),
                Bytes.human(best.writeSize()),
                ctx.host().defaultCongestionControl(),
                streamBytes / 1e9,
                ratioDram * 100,
                dram.median() / 1e9,
                Bytes.human(dramSize),
                ratioCache * 100,
                cache.median() / 1e9,
                Bytes.human(bestSize),
                copiesDram,
                switch (v) {
                    case SUPPORTED -> "That is near RAM speed.";
                    case PARTLY_TRUE -> "Fast, but well short of RAM speed.";
                    default ->
                        "That is not near RAM speed. A stream copies every byte twice, into the kernel and out of it (the kernel's count: TLDR-2): "
                                + "with both peers on one CPU that alone caps it at half a memcpy's rate, on two CPUs at one. "
                                + attribution(samples)
                                + " Whether the congestion control alone moves it is FAIL-4's measurement, in the same run.";
                });
        List<String> evidence = new ArrayList<>(List.of(
                String.format(
                        "stream (the throughput sweep's configuration: default congestion control %s, one connection, the host's buffer sizes): best Java median %.2f Gbit/s at %s writes with %s%s",
                        ctx.host().defaultCongestionControl(),
                        s.javaGbit(bestSize).median(),
                        Bytes.human(bestSize),
                        Placement.parse(s.fastestPlacement(bestSize)).describe(),
                        s.hasIperf3() ? String.format("; best iperf3 median %.2f Gbit/s", s.bestIperf3Gbit()) : ""),
                String.format(
                        "memcpy DRAM-sized (%s, working set %s): %s GB/s",
                        Bytes.human(dramSize),
                        Bytes.human(2 * dramSize),
                        dram.scaled(1e-9).format("%.2f")),
                String.format(
                        "memcpy cache-resident (%s): %s GB/s",
                        Bytes.human(CACHE_SIZE), cache.scaled(1e-9).format("%.2f")),
                String.format(
                        "CPU per byte (both peers, user+sys, pattern check excluded): %.3f ns = %.2f DRAM-memcpy or %.2f cache-memcpy equivalents",
                        cpuPerByte, copiesDram, copiesCache),
                llc > 0 && 2 * dramSize < 4 * llc
                        ? "caution: the largest memcpy working set is less than 4× the last-level cache ("
                                + Bytes.human(llc) + " per " + ctx.host().cacheSource()
                                + "); the DRAM rate may be flattered"
                        : "largest memcpy working set exceeds the last-level cache ("
                                + (llc > 0 ? Bytes.human(llc) + " per " : "size ")
                                + ctx.host().cacheSource() + ")",
                "where the CPU went during a " + Bytes.human(PROFILED_BYTES) + " iperf3 stream of 64 KiB writes: "
                        + samples.describe()
                        + samples.shares().stream()
                                .map(x -> "; " + x.kind() + ": " + x.top())
                                .reduce("", String::concat)
                        + (samples.shares().isEmpty() ? "" : " (groups: " + CpuSamples.legend() + ")"),
                RULE.evidence()));
        o.verdict(ctx.judged(claim.id(), v)
                .summary(summary)
                .measured(ratioDram, null)
                .evidence(evidence)
                .build());
        o.figure(figure(memcpy, streamBytes, dram.median(), ctx.host().cacheBytes()));
        return o;
    }

    private static Figure figure(
            List<MemcpyBaseline.Point> memcpy, double streamBytes, double dram, Map<String, Long> caches) {
        XYChart c = Charts.xy("TLDR-3: loopback stream vs this host's memcpy", "buffer size (memcpy)", "GB/s", true);
        List<Long> sizes = memcpy.stream()
                .map(MemcpyBaseline.Point::size)
                .distinct()
                .sorted()
                .toList();
        double[] x = sizes.stream().mapToDouble(Charts::log2).toArray();
        double[] y = sizes.stream()
                .mapToDouble(sz -> MemcpyBaseline.rateAt(memcpy, sz).median() / 1e9)
                .toArray();
        Charts.line(c, "memcpy (median)", x, y, Charts.REFERENCE);
        double top = Arrays.stream(y).max().orElse(1) * 1.05;
        Charts.claimLine(c, "article: near RAM speed (= DRAM memcpy)", dram / 1e9, x[0], x[x.length - 1]);
        Charts.level(c, "measured: best loopback stream", streamBytes / 1e9, x[0], x[x.length - 1], Charts.MEASURED);
        for (var e : caches.entrySet()) {
            if (e.getKey().endsWith("i")) continue;
            Charts.vertical(c, e.getKey() + " " + Bytes.human(e.getValue()), Charts.log2(e.getValue()), 0, top);
        }
        return new Figure(
                "memcpy-vs-stream",
                List.of("TLDR-3"),
                "Measured: memcpy rate by buffer size (dotted lines mark this host's data caches) and the best loopback stream of the run. "
                        + "The claim line is the DRAM-sized memcpy rate the article's 'near-RAM speed' implies.",
                c);
    }
}

package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.ConnectionQueues;
import lab.loopback.kernel.CpuCaches;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.MemcpyBaseline;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.tools.PerfCounters;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.XYChart;

/**
 * FIN-1 "It never even left your L1 cache" / "I won't even hit RAM". Three things side by side: the host's caches
 * (sysfs), this host's memcpy rate across sizes from L1 to DRAM, and TCP over lo at message sizes that span the
 * same range — with, from /proc/net/tcp sampled every few ms during one more trial at each size (not during the
 * timed ones), how many bytes of the connection the kernel held at once (send queue + unread receive queue). Bytes that do not fit in L1 cannot all be in L1. Cache-miss
 * counters are read where the host has them.
 */
@Measures(
        name = "cache-residency",
        claims = {"FIN-1"})
public final class CacheResidency implements Experiment {
    static final long SAMPLE_MILLIS = 5;

    /** One message size: throughput, and the kernel's queue for the connection while it ran. */
    public record Point(
            int size,
            double gbitPerSecond,
            double low,
            double high,
            double memcpyGbitPerSecond,
            long maxQueuedBytes,
            long medianQueuedBytes,
            int samples) {}

    static List<Integer> sizes(Profile p) {
        return p.by(
                List.of(4096, 65536, 1 << 20, 16 << 20),
                List.of(4096, 65536, 1 << 20, 16 << 20),
                List.of(1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20, 16 << 20, 64 << 20));
    }

    static Verdict judge(long maxQueued, long l1d) {
        if (l1d <= 0) throw new IllegalArgumentException("L1d's size is " + l1d + " B; a rule needs a positive size");
        return RULE.judge((double) maxQueued / l1d);
    }

    static final Rule<Double> RULE = Rule.<Double>forClaim("FIN-1")
            .when(
                    Verdict.REFUTED,
                    Condition.above(
                            "the most of the connection's bytes the kernel held at once ÷ L1d's size",
                            r -> r,
                            1,
                            Shown.TIMES))
            .because("bytes beyond L1d's size cannot all be in L1; fitting is not proof of staying")
            .otherwise(Verdict.HOST_DEPENDENT);

    /** FIN-1 from the recorded points and caches tables. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        long l1d = r.rows("caches", CpuCaches.Cache.class).stream()
                .filter(c -> c.level() == 1)
                .mapToLong(CpuCaches.Cache::bytes)
                .findFirst()
                .orElse(-1);
        long maxQueued = r.rows("points", Point.class).stream()
                .mapToLong(Point::maxQueuedBytes)
                .max()
                .orElse(-1);
        if (l1d <= 0 || maxQueued < 0)
            throw new Recorded.MissingTableException("the run recorded no L1d size or no queued bytes for FIN-1");
        return new RecordedRule.Judgement(
                judge(maxQueued, l1d),
                null,
                "the kernel held up to " + maxQueued + " B of the connection; L1d " + l1d + " B");
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        Profile p = ctx.profile();
        List<CpuCaches.Cache> caches = CpuCaches.read();
        List<MemcpyBaseline.Point> memcpy = KernelEvidence.memcpy(ctx);
        List<Point> points = new ArrayList<>();
        String counters = PerfCounters.cacheCountersUnavailable();
        Map<String, Long> counted = Map.of();
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 900)) {
            int port = Integer.parseInt(r.address().substring(r.address().lastIndexOf(':') + 1));
            for (int size : sizes(p)) {
                ctx.progress("TCP lo at " + Bytes.human(size) + " with the connection's kernel queues sampled");
                List<StreamTrial> trials = r.trials(size, p);
                // the queues are sampled in one extra trial, so reading /proc does not slow the trials whose throughput
                // is reported
                List<Long> samples = new ArrayList<>();
                sampling(
                        port,
                        samples,
                        () -> StreamRunner.verified(r.trial(size, p.trialSeconds, p.trialMaxBytes, "sampled", 0)));
                List<StreamTrial> timed =
                        trials.stream().filter(t -> t.phase().equals("timed")).toList();
                Estimate e = Estimate.ofMedian(
                        timed.stream().mapToDouble(StreamTrial::gbitPerSecond).toArray());
                double mc = MemcpyBaseline.rateAt(memcpy, MemcpyBaseline.nearestSize(memcpy, size))
                                .median()
                        * 8
                        / 1e9;
                List<Long> sorted = samples.stream().sorted().toList();
                points.add(new Point(
                        size,
                        e.median(),
                        e.low(),
                        e.high(),
                        mc,
                        sorted.isEmpty() ? -1 : sorted.getLast(),
                        sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2),
                        sorted.size()));
            }
            if (counters == null) {
                ctx.progress("cache-miss counters of the receiver during one trial");
                AtomicReference<Map<String, Long>> got = new AtomicReference<>();
                Thread t = Thread.ofPlatform().start(() -> got.set(PerfCounters.countProcess(r.receiverPid(), 2)));
                StreamRunner.verified(r.trial(65536, 1.5, p.trialMaxBytes, "counted", 0));
                try {
                    t.join(30_000);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                counted = got.get() == null ? Map.of() : got.get();
            }
        }
        o.table("points", RecordTable.of("points", Point.class, points));
        o.table("caches", RecordTable.of("caches", CpuCaches.Cache.class, caches));
        long l1d = caches.stream()
                .filter(c -> c.level() == 1)
                .mapToLong(CpuCaches.Cache::bytes)
                .findFirst()
                .orElse(-1);
        long maxQueued = points.stream().mapToLong(Point::maxQueuedBytes).max().orElse(-1);
        List<String> ev = new ArrayList<>();
        ev.add("caches (" + CpuCaches.source() + "): "
                + String.join(
                        ", ",
                        caches.stream()
                                .map(c -> "L" + c.level() + " " + c.type() + " " + Bytes.human(c.bytes()))
                                .toList()));
        for (Point pt : points) {
            ev.add(String.format(
                    "%s messages: TCP lo %.2f Gbit/s, memcpy of that size %.1f Gbit/s; the kernel held up to %s of the connection at once (median %s, %d samples of /proc/net/tcp in an extra trial)",
                    Bytes.human(pt.size()),
                    pt.gbitPerSecond(),
                    pt.memcpyGbitPerSecond(),
                    Bytes.human(pt.maxQueuedBytes()),
                    Bytes.human(pt.medianQueuedBytes()),
                    pt.samples()));
        }
        ev.add(
                counters != null
                        ? "cache-miss counters: " + counters
                        : "cache-miss counters of the receiver over 2 s of a 64 KiB stream: " + counted);
        ev.add(RULE.evidence());
        o.figure(figure(points, memcpy, caches));
        if (l1d <= 0 || maxQueued < 0) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "FIN-1",
                    l1d <= 0 ? Lack.KERNEL : Lack.NO_DATA,
                    l1d <= 0
                            ? "neither sysfs (/sys/devices/system/cpu/cpu0/cache) nor sysconf(_SC_LEVEL1_DCACHE_SIZE) gives this CPU's L1d size"
                            : "/proc/net/tcp could not be read"));
            return o;
        }
        Verdict v = judge(maxQueued, l1d);
        String summary = v == Verdict.REFUTED
                ? String.format(
                        "The kernel held up to %s of one loopback connection at once (%.0f× this CPU's %s L1d), so the bytes cannot all stay in L1; TCP over lo ran at %.1f–%.1f Gbit/s, memcpy at %.0f–%.0f over the same sizes.",
                        Bytes.human(maxQueued),
                        (double) maxQueued / l1d,
                        Bytes.human(l1d),
                        points.stream().mapToDouble(Point::gbitPerSecond).min().orElse(0),
                        points.stream().mapToDouble(Point::gbitPerSecond).max().orElse(0),
                        points.stream()
                                .mapToDouble(Point::memcpyGbitPerSecond)
                                .min()
                                .orElse(0),
                        points.stream()
                                .mapToDouble(Point::memcpyGbitPerSecond)
                                .max()
                                .orElse(0))
                : String.format(
                        "The connection never held more than %s at once, within this CPU's %s L1d; whether the bytes stayed there needs cache counters: %s.",
                        Bytes.human(maxQueued), Bytes.human(l1d), counters == null ? "see the evidence" : counters);
        o.verdict(ctx.judged("FIN-1", v)
                .summary(summary)
                .measured((double) maxQueued, "bytes held by the kernel at once (claimed: within L1d)")
                .claimed((double) l1d)
                .evidence(ev)
                .build());
        return o;
    }

    /** Runs {@code work} while a thread samples the connection's queued bytes every {@value #SAMPLE_MILLIS} ms. */
    static <T> T sampling(int port, List<Long> into, Supplier<T> work) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong n = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get() && n.incrementAndGet() < 1_000_000) {
                long q = ConnectionQueues.queuedBytes(port);
                if (q > 0)
                    synchronized (into) {
                        into.add(q);
                    }
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            return work.get();
        } finally {
            stop.set(true);
            sampler.interrupt();
            try {
                sampler.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Figure figure(List<Point> points, List<MemcpyBaseline.Point> memcpy, List<CpuCaches.Cache> caches) {
        XYChart c = Charts.xy(
                "FIN-1: TCP over lo and memcpy across the cache hierarchy",
                "message size / working set",
                "Gbit/s",
                true);
        List<Long> ms = memcpy.stream()
                .map(MemcpyBaseline.Point::size)
                .distinct()
                .sorted()
                .toList();
        Charts.line(
                c,
                "memcpy (this host)",
                ms.stream().mapToDouble(s -> Charts.log2(s)).toArray(),
                ms.stream()
                        .mapToDouble(s -> MemcpyBaseline.rateAt(memcpy, s).median() * 8 / 1e9)
                        .toArray(),
                Charts.REFERENCE);
        double[] x = points.stream().mapToDouble(pt -> Charts.log2(pt.size())).toArray();
        Charts.line(
                c,
                "TCP over lo",
                x,
                points.stream().mapToDouble(Point::gbitPerSecond).toArray(),
                Charts.MEASURED);
        double top = Math.max(
                points.stream().mapToDouble(Point::memcpyGbitPerSecond).max().orElse(1),
                ms.stream()
                        .mapToDouble(s -> MemcpyBaseline.rateAt(memcpy, s).median() * 8 / 1e9)
                        .max()
                        .orElse(1));
        for (CpuCaches.Cache k : caches)
            Charts.vertical(c, "L" + k.level() + " " + Bytes.human(k.bytes()), Charts.log2(k.bytes()), 0, top);
        long maxQueued = points.stream().mapToLong(Point::maxQueuedBytes).max().orElse(0);
        if (maxQueued > 0)
            Charts.vertical(c, "most bytes queued: " + Bytes.human(maxQueued), Charts.log2(maxQueued), 0, top)
                    .setLineColor(Charts.CLAIM);
        return new Figure(
                "cache-hierarchy",
                List.of("FIN-1"),
                "Measured: TCP over lo throughput per message size beside this host's memcpy rate per size; "
                        + "grey lines mark the caches (" + CpuCaches.source()
                        + "), the red one the most bytes the kernel held for the connection at once (/proc/net/tcp). The article claims the data never leaves L1.",
                c);
    }
}

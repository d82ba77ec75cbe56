package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measurements.IpcData;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.XYChart;

/**
 * MORE-2 "Benchmarking AF_UNIX vs loopback", promised in support of the article's advice that TCP over loopback
 * beats Unix domain sockets: the IPC shootout's two columns side by side (reused when the run measured the
 * shootout already, else only these two transports are measured, in the same harness).
 */
@Measures(
        name = "unix-versus-tcp",
        claims = {"MORE-2"})
public final class UnixVersusTcp implements Experiment {
    /** One size and placement of the round trips' peers, the two side by side (throughput is the size's). */
    public record Pair(
            int size,
            String placement,
            double tcpGbit,
            double unixGbit,
            double tcpP50Micros,
            double unixP50Micros,
            double tcpP99Micros,
            double unixP99Micros,
            double tcpCpuNsPerByte,
            double unixCpuNsPerByte) {}

    /** Sizes at which each side was faster, per metric (intervals not overlapping). */
    public record Wins(int sizes, int tcpThroughput, int unixThroughput, int tcpLatency, int unixLatency) {
        /** Who was faster at more than half the sizes in one metric. */
        static Side majority(int tcp, int unix, int n) {
            return tcp * 2 > n ? Side.TCP : unix * 2 > n ? Side.UNIX : Side.NEITHER;
        }

        Side throughputWinner() {
            return majority(tcpThroughput, unixThroughput, sizes);
        }

        Side latencyWinner() {
            return majority(tcpLatency, unixLatency, sizes);
        }

        boolean winsAMetric(Side s) {
            return throughputWinner() == s || latencyWinner() == s;
        }

        /** Sizes at which {@code s} was faster, throughput and round trip counted apart. */
        int fasterAt(Side s) {
            return s == Side.TCP ? tcpThroughput + tcpLatency : unixThroughput + unixLatency;
        }
    }

    enum Side {
        TCP("TCP"),
        UNIX("AF_UNIX"),
        NEITHER("neither");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    static Wins wins(IpcData.Result d) {
        int n = 0, tt = 0, ut = 0, tl = 0, ul = 0;
        for (int size : d.sizes()) {
            var t = d.stream("tcp-lo", size);
            var u = d.stream("unix", size);
            if (t == null || u == null || !d.hasTrips("tcp-lo", size) || !d.hasTrips("unix", size)) continue;
            n++;
            if (t.low() > u.high()) tt++;
            if (u.low() > t.high()) ut++;
            // a round-trip win only where every placement of the peers agrees
            int lead = d.latencyLead("tcp-lo", "unix", size);
            if (lead > 0) tl++;
            if (lead < 0) ul++;
        }
        return new Wins(n, tt, ut, tl, ul);
    }

    /**
     * What the data says: one side sweeps (faster in a metric, the other faster at no size), or it is split. Per metric
     * and a clean sweep, because on this VM the two metrics disagree at small messages and AF_UNIX's throughput swung 2×
     * between quick runs, which flipped looser readings.
     */
    enum Finding {
        TCP_SWEEPS,
        UNIX_SWEEPS,
        SPLIT
    }

    static final Condition<Wins> TCP_SWEEPS = sweep(Side.TCP, Side.UNIX), UNIX_SWEEPS = sweep(Side.UNIX, Side.TCP);

    static final Rule<Wins> RULE =
            Rule.topic("MORE-2", "whether " + TCP_SWEEPS.describe() + ", or the mirror, or neither");

    static Finding finding(Wins w) {
        return TCP_SWEEPS.holds(w) ? Finding.TCP_SWEEPS : UNIX_SWEEPS.holds(w) ? Finding.UNIX_SWEEPS : Finding.SPLIT;
    }

    /** {@code winner} wins a metric and {@code loser} is faster at no size in either. */
    private static Condition<Wins> sweep(Side winner, Side loser) {
        return Condition.<Wins>fact(
                        winner.label + " is faster at more than half the sizes in throughput or in median round trip",
                        w -> w.winsAMetric(winner))
                .and(Condition.below(
                        "sizes at which " + loser.label + " is faster, in either metric",
                        w -> w.fasterAt(loser),
                        1,
                        Shown.PLAIN));
    }

    static Verdict judge(Wins w) {
        return RULE.judge(w);
    }

    /**
     * MORE-2 from the wins this experiment recorded (runs made before it recorded them: recomputed from ipc-shootout's
     * throughput and latency tables, the measurement the two share).
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        Wins w = r.view().tables().containsKey(Outcome.factsTable("MORE-2"))
                ? r.facts(Wins.class)
                : wins(IpcShootout.recorded(r.other("ipc-shootout")));
        if (w.sizes() == 0)
            throw new Recorded.MissingTableException("ipc-shootout recorded no size with both TCP and AF_UNIX");
        return new RecordedRule.Judgement(
                judge(w),
                null,
                String.format(
                        "of %d sizes: throughput TCP faster at %d, AF_UNIX at %d; median round trip TCP faster at %d, AF_UNIX at %d",
                        w.sizes(), w.tcpThroughput(), w.unixThroughput(), w.tcpLatency(), w.unixLatency()));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        IpcData.Result d = IpcData.sharedOr(ctx, List.of("tcp-lo", "unix"), true);
        List<Pair> rows = new ArrayList<>();
        for (int size : d.sizes())
            for (Placement pl : d.placements()) {
                var tt = d.stream("tcp-lo", size);
                var ut = d.stream("unix", size);
                var tl = d.trip("tcp-lo", size, pl);
                var ul = d.trip("unix", size, pl);
                if (tt == null || ut == null || tl == null || ul == null) continue;
                rows.add(new Pair(
                        size,
                        pl.id(),
                        tt.gbitPerSecond(),
                        ut.gbitPerSecond(),
                        tl.p50Micros(),
                        ul.p50Micros(),
                        tl.p99Micros(),
                        ul.p99Micros(),
                        tt.cpuNsPerByte(),
                        ut.cpuNsPerByte()));
            }
        o.table("side-by-side", RecordTable.of("side-by-side", Pair.class, rows));
        Wins w = o.facts("MORE-2", Wins.class, wins(d));
        List<String> ev = new ArrayList<>();
        // per size: the throughput once (the streams ran on one placement), the round trips per placement
        for (int size : rows.stream().map(Pair::size).distinct().toList()) {
            List<Pair> at = rows.stream().filter(r -> r.size() == size).toList();
            Pair first = at.getFirst();
            String trips = at.stream()
                    .map(r -> String.format(
                            "%s TCP %.1f vs AF_UNIX %.1f µs",
                            Placement.parse(r.placement()).describe(), r.tcpP50Micros(), r.unixP50Micros()))
                    .collect(Collectors.joining("; "));
            ev.add(String.format(
                    "%s: throughput (streams with %s) TCP %.2f vs AF_UNIX %.2f Gbit/s (%.2f×), CPU TCP %.2f vs AF_UNIX %.2f ns/B; median round trip, %s",
                    Bytes.human(size),
                    Placement.parse(d.stream("tcp-lo", size).placement()).describe(),
                    first.tcpGbit(),
                    first.unixGbit(),
                    first.tcpGbit() / first.unixGbit(),
                    first.tcpCpuNsPerByte(),
                    first.unixCpuNsPerByte(),
                    trips));
        }
        ev.add(String.format(
                "throughput: TCP faster at %d of %d sizes, AF_UNIX at %d; median round trip: TCP faster at %d, AF_UNIX at %d (intervals not overlapping, in every placement of the peers)",
                w.tcpThroughput(), w.sizes(), w.unixThroughput(), w.tcpLatency(), w.unixLatency()));
        ev.add(
                "why it can differ: an AF_UNIX stream write queues the skb straight on the peer's receive queue; TCP over lo builds segments, runs them through IP, lo's transmit, the backlog softirq and TCP receive (see PATH-1)");
        ev.add(RULE.evidence());
        if (rows.isEmpty()) {
            o.verdict(KernelEvidence.notTestable(
                    ctx, "MORE-2", Lack.NO_DATA, "neither AF_UNIX nor TCP over lo could be measured here"));
            return o;
        }
        Verdict v = judge(w);
        String tally = String.format(
                "throughput: TCP faster at %d of %d sizes, AF_UNIX at %d; round trip: TCP faster at %d, AF_UNIX at %d",
                w.tcpThroughput(), w.sizes(), w.unixThroughput(), w.tcpLatency(), w.unixLatency());
        String summary = switch (finding(w)) {
            case TCP_SWEEPS -> "TCP over loopback beat AF_UNIX here and lost at no size (" + tally + ").";
            case UNIX_SWEEPS -> "AF_UNIX beat TCP over loopback here and lost at no size (" + tally + ").";
            case SPLIT -> "Neither side sweeps; which is faster depends on the metric and the size (" + tally + ").";
        };
        double medianRatio = Estimate.ofMedian(rows.stream()
                        .mapToDouble(r -> r.tcpP50Micros() / r.unixP50Micros())
                        .toArray())
                .median();
        o.verdict(ctx.judged("MORE-2", v)
                .summary(summary)
                .measured(medianRatio, "× AF_UNIX's median round trip (TCP lo; median over sizes and placements)")
                .evidence(ev)
                .build());
        List<Pair> perSize = rows.stream()
                .filter(r -> r.placement().equals(rows.getFirst().placement()))
                .toList();
        double[] x = perSize.stream().mapToDouble(r -> Charts.log2(r.size())).toArray();
        XYChart c = Charts.xy(
                "MORE-2: AF_UNIX against TCP over loopback",
                "message size",
                "Gbit/s (lines), µs median round trip (dots)",
                true);
        Charts.line(
                c,
                "TCP lo Gbit/s",
                x,
                perSize.stream().mapToDouble(Pair::tcpGbit).toArray(),
                Charts.CLAIM);
        Charts.line(
                c,
                "AF_UNIX Gbit/s",
                x,
                perSize.stream().mapToDouble(Pair::unixGbit).toArray(),
                Charts.MEASURED);
        for (Placement pl : d.placements()) {
            List<Pair> at =
                    rows.stream().filter(r -> r.placement().equals(pl.id())).toList();
            double[] ax = at.stream().mapToDouble(r -> Charts.log2(r.size())).toArray();
            boolean second = pl != d.placements().getFirst();
            Charts.samples(
                    c,
                    "TCP lo µs, " + pl.describe(),
                    ax,
                    at.stream().mapToDouble(Pair::tcpP50Micros).toArray(),
                    second ? Charts.CLAIM.darker().darker() : Charts.CLAIM);
            Charts.samples(
                    c,
                    "AF_UNIX µs, " + pl.describe(),
                    ax,
                    at.stream().mapToDouble(Pair::unixP50Micros).toArray(),
                    second ? Charts.REFERENCE : Charts.MEASURED);
        }
        c.getStyler().setYAxisLogarithmic(true);
        o.figure(new Figure(
                "unix-versus-tcp",
                List.of("MORE-2"),
                "Measured: AF_UNIX and TCP over lo in one harness, throughput (streams with " + d.streamsWhere()
                        + ") and median round trip (per placement of the peers) per message size; the article implies TCP over lo is the faster.",
                c));
        return o;
    }
}

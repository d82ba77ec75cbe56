package lab.loopback.experiments;

import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.List;

/**
 * MORE-2 "Benchmarking AF_UNIX vs loopback", promised in support of the article's advice that TCP over loopback
 * beats Unix domain sockets: the IPC shootout's two columns side by side (reused when the run measured the
 * shootout already, else only these two transports are measured, in the same harness).
 */
public final class UnixVersusTcp implements Experiment {
    /** One size, the two side by side. */
    public record Pair(int size, double tcpGbit, double unixGbit, double tcpP50Micros, double unixP50Micros, double tcpP99Micros,
                       double unixP99Micros, double tcpCpuNsPerByte, double unixCpuNsPerByte) {}

    @Override
    public String name() {
        return "unix-versus-tcp";
    }

    @Override
    public List<String> claims() {
        return List.of("MORE-2");
    }

    /** The article's side wins (TCP faster at most sizes): SUPPORTED; AF_UNIX faster: REFUTED; split: HOST_DEPENDENT. */
    static Verdict judge(IpcShootout.Duel d) {
        if (d.outcome().equals("TCP lo faster")) return Verdict.SUPPORTED;
        if (d.outcome().equals("unix faster")) return Verdict.REFUTED;
        return Verdict.HOST_DEPENDENT;
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        IpcData.Result d = IpcData.sharedOr(ctx, List.of("tcp-lo", "unix"), true);
        List<Pair> rows = new ArrayList<>();
        for (int size : d.sizes()) {
            var tt = d.stream("tcp-lo", size);
            var ut = d.stream("unix", size);
            var tl = d.trip("tcp-lo", size);
            var ul = d.trip("unix", size);
            if (tt == null || ut == null || tl == null || ul == null) continue;
            rows.add(new Pair(size, tt.gbitPerSecond(), ut.gbitPerSecond(), tl.p50Micros(), ul.p50Micros(), tl.p99Micros(), ul.p99Micros(),
                    tt.cpuNsPerByte(), ut.cpuNsPerByte()));
        }
        o.table("side-by-side", RecordTable.of("side-by-side", Pair.class, rows));
        IpcShootout.Duel duel = IpcShootout.duel(d, "unix");
        List<String> ev = new ArrayList<>();
        for (Pair r : rows) {
            ev.add(String.format("%s: throughput TCP %.2f vs AF_UNIX %.2f Gbit/s (%.2f×); median round trip TCP %.1f vs AF_UNIX %.1f µs; CPU TCP %.2f vs AF_UNIX %.2f ns/B",
                    lab.loopback.measure.Bytes.human(r.size()), r.tcpGbit(), r.unixGbit(), r.tcpGbit() / r.unixGbit(), r.tcpP50Micros(), r.unixP50Micros(),
                    r.tcpCpuNsPerByte(), r.unixCpuNsPerByte()));
        }
        ev.add(String.format("TCP faster at %d of %d sizes, AF_UNIX faster at %d (intervals not overlapping)", duel.tcpFaster(), duel.sizes(), duel.rivalFaster()));
        ev.add("why it can differ: an AF_UNIX stream write queues the skb straight on the peer's receive queue; TCP over lo builds segments, runs them through IP, lo's transmit, the backlog softirq and TCP receive (see PATH-1)");
        ev.add("rule: TCP faster at most sizes → SUPPORTED (the article's side), AF_UNIX faster at most → REFUTED, otherwise HOST_DEPENDENT");
        if (rows.isEmpty()) {
            o.verdict(KernelEvidence.notTestable(ctx, "MORE-2", "neither AF_UNIX nor TCP over lo could be measured here"));
            return o;
        }
        Verdict v = judge(duel);
        String summary = switch (v) {
            case SUPPORTED -> String.format("TCP over loopback was faster than AF_UNIX at %d of %d sizes here.", duel.tcpFaster(), duel.sizes());
            case REFUTED -> String.format("AF_UNIX was faster than TCP over loopback at %d of %d sizes (throughput or median round trip), TCP at %d.", duel.rivalFaster(), duel.sizes(), duel.tcpFaster());
            default -> String.format("Neither wins here: TCP faster at %d, AF_UNIX at %d of %d sizes.", duel.tcpFaster(), duel.rivalFaster(), duel.sizes());
        };
        double medianRatio = lab.loopback.measure.Estimate.ofMedian(rows.stream().mapToDouble(r -> r.tcpP50Micros() / r.unixP50Micros()).toArray()).median();
        o.verdict(KernelEvidence.verdict(ctx.claim("MORE-2"), v, summary, medianRatio, null, "× AF_UNIX's median round trip (TCP lo)", ev, ctx));
        double[] x = rows.stream().mapToDouble(r -> Charts.log2(r.size())).toArray();
        XYChart c = Charts.xy("MORE-2: AF_UNIX against TCP over loopback", "message size", "Gbit/s (lines), µs median round trip (dots)", true);
        Charts.line(c, "TCP lo Gbit/s", x, rows.stream().mapToDouble(Pair::tcpGbit).toArray(), Charts.CLAIM);
        Charts.line(c, "AF_UNIX Gbit/s", x, rows.stream().mapToDouble(Pair::unixGbit).toArray(), Charts.MEASURED);
        Charts.samples(c, "TCP lo µs", x, rows.stream().mapToDouble(Pair::tcpP50Micros).toArray(), Charts.CLAIM);
        Charts.samples(c, "AF_UNIX µs", x, rows.stream().mapToDouble(Pair::unixP50Micros).toArray(), Charts.MEASURED);
        c.getStyler().setYAxisLogarithmic(true);
        o.figure(new Figure("unix-versus-tcp", List.of("MORE-2"), "Measured: AF_UNIX and TCP over lo in one harness, throughput and median round trip per message size; the article implies TCP over lo is the faster.", c));
        return o;
    }
}

package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.echo.EchoClients;
import lab.loopback.echo.EchoStats;
import lab.loopback.evidence.TracedStream;
import lab.loopback.ipc.Connection;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measurements.Conditions;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.Veth;
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
import org.knowm.xchart.CategoryChart;

/**
 * FAIL-3 "routing via a different namespace degrades it to the copy path" and VETH-1 "two namespaces joined by
 * veth emulate loopback, not quite loopback-fast". The article's recipe is built (veth0 in A, veth1 in B) and
 * compared with lo inside A: verified throughput in interleaved rounds, the receiver's copies per byte from
 * a traced transfer each, and 64-byte round trips to an echo server on each route.
 */
@Measures(
        name = "veth-versus-lo",
        claims = {"FAIL-3", "VETH-1"})
public final class VethVersusLo implements Experiment {
    static final int WRITE = 64 * 1024, MESSAGE = 64;
    /** p50 round trips further apart than this share count as different latency. */
    static final double LATENCY_MARGIN = 0.10;

    public record Latency(
            String route, int size, long roundTrips, double p50Micros, double p99Micros, double maxMicros) {}

    static final Rule<List<Conditions.Summary>> DEGRADE = Conditions.degradeRule("FAIL-3", false);

    /** What VETH-1's rule reads: veth's throughput row and both routes' round trips. */
    record VethFacts(Conditions.Summary veth, Latency lo, Latency v) {
        double tripRatio() {
            return v.p50Micros() / lo.p50Micros();
        }
    }

    static final Rule<VethFacts> VETH = Rule.<VethFacts>forClaim("VETH-1")
            .when(
                    Verdict.SUPPORTED,
                    Conditions.found(
                                    Conditions.Against.LOWER,
                                    (VethFacts x) -> x.veth().againstBaseline())
                            .or(Condition.above(
                                    "veth's p50 round trip ÷ lo's",
                                    VethFacts::tripRatio,
                                    1 + LATENCY_MARGIN,
                                    Shown.TIMES)))
            .because("'not quite loopback-fast': measurably slower in throughput or in latency")
            .otherwise(Verdict.REFUTED);

    static Verdict judgeVeth(Conditions.Summary veth, Latency lo, Latency v) {
        return VETH.judge(new VethFacts(veth, lo, v));
    }

    /** FAIL-3 from the recorded trials (and the summary's copies). */
    static RecordedRule.Judgement fromTablesDegrade(Recorded r) {
        List<Conditions.Summary> rows = Conditions.fromTables(r);
        return new RecordedRule.Judgement(
                DEGRADE.judge(rows), rows.get(1).ratioToBaseline(), Conditions.describe(rows));
    }

    /** VETH-1 from the recorded trials and latency table: veth against lo in throughput and in median round trip. */
    static RecordedRule.Judgement fromTablesVeth(Recorded r) {
        List<Conditions.Summary> rows = Conditions.fromTables(r);
        List<Latency> lat = r.rows("latency", Latency.class);
        if (rows.size() < 2 || lat.size() < 2)
            throw new Recorded.MissingTableException("veth-versus-lo recorded fewer than two routes");
        return new RecordedRule.Judgement(
                judgeVeth(rows.get(1), lat.get(0), lat.get(1)),
                null,
                String.format(
                        "%s; p50 round trip lo %.1f µs, veth %.1f µs",
                        Conditions.describe(rows),
                        lat.get(0).p50Micros(),
                        lat.get(1).p50Micros()));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String why = NetNamespace.unavailable();
        if (why != null) {
            for (String c : claims())
                o.verdict(KernelEvidence.notTestable(
                        ctx, c, Lack.NAMESPACES, "Needs two network namespaces and a veth pair: " + why + "."));
            return o;
        }
        Profile p = ctx.profile();
        List<Conditions.Trial> trials = new ArrayList<>();
        List<String> placements = new ArrayList<>();
        List<Double> copies = new ArrayList<>();
        List<Latency> latency = new ArrayList<>();
        int mtu;
        try (Veth v = Veth.create()) {
            mtu = v.mtu();
            List<TracedStream.Route> routes = List.of(NamespaceRoutes.lo(v.a()), NamespaceRoutes.veth(v));
            List<StreamRunner> runners = new ArrayList<>();
            try {
                for (TracedStream.Route r : routes)
                    runners.add(StreamRunner.start(r.transport(), r.bindSpec(), 600, r.receiverPrefix())
                            .pinPeers(true));
                for (int round = -1; round < Conditions.rounds(p); round++) {
                    ctx.progress("lo vs veth, round " + (round + 2) + " of " + (Conditions.rounds(p) + 1));
                    for (int i : Conditions.order(round, routes.size())) {
                        var t = StreamRunner.verified(runners.get(i)
                                .trial(WRITE, p.trialSeconds, p.trialMaxBytes, round < 0 ? "warmup" : "timed", round));
                        if (round >= 0)
                            trials.add(Conditions.trial(NamespaceRoutes.names().get(i), round, t));
                    }
                }
                for (int i = 0; i < runners.size(); i++)
                    placements.add(NamespaceRoutes.names().get(i) + ": "
                            + runners.get(i).placement());
            } finally {
                runners.forEach(StreamRunner::close);
            }
            for (int i = 0; i < routes.size(); i++) {
                ctx.progress("traced transfer over " + NamespaceRoutes.names().get(i));
                copies.add(Conditions.copies(
                        TracedStream.run(ctx.tracefs(), routes.get(i), WRITE, p.tracedBytes, 60, s -> {})));
                latency.add(
                        roundTrips(ctx, routes.get(i), NamespaceRoutes.names().get(i)));
            }
        }
        List<Conditions.Summary> rows = Conditions.summarize(
                trials, NamespaceRoutes.names(), copies, List.of("MTU 65536 (lo)", "MTU " + mtu + " (veth1)"));
        o.table("trials", RecordTable.of("trials", Conditions.Trial.class, trials));
        o.table("latency", RecordTable.of("latency", Latency.class, latency));
        Conditions.figures(o, "FAIL-3", "lo vs a veth pair between namespaces", "route", rows);
        List<String> ev = Conditions.evidence(rows, Conditions.rounds(p), String.join("; ", placements));
        for (Latency l : latency)
            ev.add(String.format(
                    "%s: %d-byte round trips p50 %.1f µs, p99 %.1f µs (%d verified)",
                    l.route(), l.size(), l.p50Micros(), l.p99Micros(), l.roundTrips()));
        Verdict f3 = DEGRADE.judge(rows);
        List<String> ev3 = new ArrayList<>(ev);
        ev3.add(DEGRADE.evidence());
        o.verdict(ctx.judged("FAIL-3", f3)
                .summary(Conditions.summary(f3, rows, "Routing through a veth pair into another namespace"))
                .measured(rows.get(1).ratioToBaseline(), "veth throughput / lo throughput")
                .evidence(ev3)
                .build());
        Verdict v1 = judgeVeth(rows.get(1), latency.get(0), latency.get(1));
        List<String> ev1 = new ArrayList<>(ev);
        ev1.add(VETH.evidence());
        o.verdict(ctx.judged("VETH-1", v1)
                .summary(
                        v1 == Verdict.SUPPORTED
                                ? String.format(
                                        "The recipe works and is not quite loopback-fast: veth moves %.2f× lo's throughput and its 64-byte round trip takes %.2f× as long — on the same copy path (%s).",
                                        rows.get(1).ratioToBaseline(),
                                        latency.get(1).p50Micros()
                                                / latency.get(0).p50Micros(),
                                        copyWords(rows))
                                : String.format(
                                        "The recipe works, and here veth is as fast as lo within noise (%.2f× the throughput, %.2f× the round trip).",
                                        rows.get(1).ratioToBaseline(),
                                        latency.get(1).p50Micros()
                                                / latency.get(0).p50Micros()))
                .measured(rows.get(1).ratioToBaseline(), "veth throughput / lo throughput")
                .evidence(ev1)
                .build());
        CategoryChart c = Charts.bars("VETH-1: 64-byte round trips, lo vs veth", "route", "µs");
        List<String> names = latency.stream().map(Latency::route).toList();
        c.addSeries("p50", names, latency.stream().map(Latency::p50Micros).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries("p99", names, latency.stream().map(Latency::p99Micros).toList())
                .setFillColor(Charts.SAMPLE);
        o.figure(new Figure(
                "latency",
                List.of("VETH-1"),
                "Measured: closed-loop 64-byte round trips to an echo server on each route (HdrHistogram). "
                        + "The article: veth is 'not quite loopback-fast', without a number.",
                c));
        return o;
    }

    static String copyWords(List<Conditions.Summary> rows) {
        return Double.isNaN(rows.get(1).receiveCopiesPerByte())
                ? "copies not traced"
                : String.format(
                        "%.2f and %.2f receive copies per byte",
                        rows.get(0).receiveCopiesPerByte(), rows.get(1).receiveCopiesPerByte());
    }

    /** Closed-loop round trips to a stream echo server started on the route's receiving side. */
    static Latency roundTrips(RunContext ctx, TracedStream.Route r, String name) {
        int n = ctx.profile().wakeupMessages;
        double seconds = ctx.profile() == Profile.QUICK ? 2 : 10;
        try (ChildJvm server = EchoClients.startStreamServer(r.transport(), r.bindSpec(), 600, r.receiverPrefix());
                Connection c = r.transport().connect(EchoClients.address(server))) {
            EchoStats s = EchoClients.stream(name, c, MESSAGE, EchoClients.Framing.ONE_WRITE, n, n, seconds);
            return new Latency(name, MESSAGE, s.roundTrips(), s.p50Micros(), s.p99Micros(), s.maxMicros());
        }
    }
}

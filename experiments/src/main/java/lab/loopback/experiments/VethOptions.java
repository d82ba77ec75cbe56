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
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
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
 * VETH-2: "use TCP_NODELAY, TCP_NOTSENT_LOWAT and TCP_CORK to simulate zero-copy over shared memory". Each
 * option on the sending socket, on lo (inside namespace A) and on veth (A → B): verified throughput at 64 KiB
 * writes, round trips of a 1 KiB request written as a 16-byte header and a body (the shape Nagle's algorithm
 * holds back; TCP_CORK wraps both writes), and the receiver's copies per byte from a traced transfer.
 */
@Measures(
        name = "veth-options",
        claims = {"VETH-2"})
public final class VethOptions implements Experiment {
    static final int WRITE = 64 * 1024, MESSAGE = 1024;

    /** One option on one route: throughput and the receiver's copies (runs before placements also had p50/p99 here). */
    public record Row(
            String route,
            String option,
            String readBack,
            double gbitPerSecond,
            double low,
            double high,
            double receiveCopiesPerByte) {}

    /** One option's 1 KiB round trips on one route, in one placement of the client's and the echo server's threads. */
    public record Trip(
            String route, String option, String placement, double p50Micros, double p99Micros, long roundTrips) {}

    static final double HALF_A_COPY = 0.5;

    private static List<Row> traced(List<Row> rows) {
        return rows.stream()
                .filter(r -> !Double.isNaN(r.receiveCopiesPerByte()))
                .toList();
    }

    /** A traced option beside the first traced one (the defaults). */
    record Moved(Row first, Row row) {
        double copies() {
            return Math.abs(row.receiveCopiesPerByte() - first.receiveCopiesPerByte());
        }
    }

    private static List<Moved> moves(List<Row> rows) {
        List<Row> t = traced(rows);
        return t.stream().map(r -> new Moved(t.getFirst(), r)).toList();
    }

    static final Rule<List<Row>> RULE = Rule.<List<Row>>forClaim("VETH-2")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.fact(
                            "no option's transfer could be traced",
                            rs -> traced(rs).isEmpty()))
            .when(
                    Verdict.SUPPORTED,
                    Condition.some(
                            "option",
                            VethOptions::traced,
                            Condition.below(
                                    "the receiver's copies per byte",
                                    Row::receiveCopiesPerByte,
                                    HALF_A_COPY,
                                    Shown.PLAIN)))
            .when(
                    Verdict.PARTLY_TRUE,
                    Condition.some(
                            "option",
                            VethOptions::moves,
                            Condition.above(
                                    "|the receiver's copies per byte − the defaults'|",
                                    Moved::copies,
                                    Conditions.SAME_COPIES,
                                    Shown.PLAIN)))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(List<Row> rows) {
        return RULE.judge(rows);
    }

    /** VETH-2 from the recorded options table. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Row> rows = r.rows("options", Row.class);
        return new RecordedRule.Judgement(
                judge(rows),
                null,
                String.join(
                        "; ",
                        rows.stream()
                                .map(x -> x.route() + " " + x.option() + ": " + x.receiveCopiesPerByte()
                                        + " receive copies per byte")
                                .toList()));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String why = NetNamespace.unavailable();
        if (why != null) {
            o.verdict(KernelEvidence.notTestable(
                    ctx, "VETH-2", Lack.NAMESPACES, "Needs two network namespaces and a veth pair: " + why + "."));
            return o;
        }
        Profile p = ctx.profile();
        List<Row> rows = new ArrayList<>();
        List<Trip> trips = new ArrayList<>();
        List<Placement> placements = Placement.arrangeableHere();
        try (Veth v = Veth.create()) {
            List<TracedStream.Route> routes = List.of(NamespaceRoutes.lo(v.a()), NamespaceRoutes.veth(v));
            for (int r = 0; r < routes.size(); r++) {
                TracedStream.Route route = routes.get(r);
                String routeName = NamespaceRoutes.names().get(r);
                List<List<Double>> gbit = new ArrayList<>();
                String[] readBack = new String[SocketOptions.values().length];
                for (SocketOptions ignored : SocketOptions.values()) gbit.add(new ArrayList<>());
                try (StreamRunner runner =
                        StreamRunner.start(route.transport(), route.bindSpec(), 600, route.receiverPrefix())) {
                    for (int round = -1; round < p.trials; round++) {
                        ctx.progress(
                                "socket options on " + routeName + ", round " + (round + 2) + " of " + (p.trials + 1));
                        for (SocketOptions opt : SocketOptions.values()) {
                            var t = StreamRunner.verified(runner.trial(
                                    WRITE,
                                    p.trialSeconds,
                                    p.trialMaxBytes,
                                    round < 0 ? "warmup" : "timed",
                                    round,
                                    c -> readBack[opt.ordinal()] = opt.apply((TcpSocket) c),
                                    c -> {}));
                            if (round >= 0) gbit.get(opt.ordinal()).add(t.gbitPerSecond());
                        }
                    }
                }
                for (SocketOptions opt : SocketOptions.values()) {
                    ctx.progress("traced transfer and round trips with " + opt.label + " on " + routeName);
                    double copies = Conditions.copies(
                            TracedStream.run(ctx.tracefs(), route, WRITE, p.tracedBytes, 60, opt::apply));
                    for (Placement pl : placements) {
                        EchoStats s = roundTrips(ctx, route, opt, pl, placements.size());
                        trips.add(
                                new Trip(routeName, opt.label, pl.id(), s.p50Micros(), s.p99Micros(), s.roundTrips()));
                    }
                    var e = Estimate.ofMedian(gbit.get(opt.ordinal()).stream()
                            .mapToDouble(Double::doubleValue)
                            .toArray());
                    rows.add(new Row(
                            routeName, opt.label, readBack[opt.ordinal()], e.median(), e.low(), e.high(), copies));
                }
            }
        }
        o.table("options", RecordTable.of("options", Row.class, rows));
        o.table("round-trips", RecordTable.of("round-trips", Trip.class, trips));
        Verdict verdict = judge(rows);
        List<String> ev = new ArrayList<>();
        for (Row r : rows)
            ev.add(String.format(
                    "%s, %s (read back %s): %.2f Gbit/s [%.2f, %.2f], %s receive copies per byte; 1 KiB round trip p50 / p99 %s",
                    r.route(),
                    r.option(),
                    r.readBack(),
                    r.gbitPerSecond(),
                    r.low(),
                    r.high(),
                    Double.isNaN(r.receiveCopiesPerByte())
                            ? "untraced"
                            : String.format("%.3f", r.receiveCopiesPerByte()),
                    String.join(
                            ", ",
                            trips.stream()
                                    .filter(t -> t.route().equals(r.route())
                                            && t.option().equals(r.option()))
                                    .map(t -> String.format(
                                            "%.1f / %.1f µs (%d, %s)",
                                            t.p50Micros(), t.p99Micros(), t.roundTrips(), t.placement()))
                                    .toList())));
        ev.add(
                "what they do (tcp(7)): TCP_NODELAY sends small segments at once instead of waiting for an ACK (Nagle); TCP_NOTSENT_LOWAT limits unsent bytes "
                        + "queued in the kernel; TCP_CORK holds partial segments until uncorked — all decide when segments leave, none decides whether bytes are copied");
        ev.add(RULE.evidence());
        double minCopies = rows.stream()
                .mapToDouble(Row::receiveCopiesPerByte)
                .filter(d -> !Double.isNaN(d))
                .min()
                .orElse(Double.NaN);
        o.verdict(ctx.judged("VETH-2", verdict)
                .summary(
                        switch (verdict) {
                            case REFUTED ->
                                String.format(
                                        "None of the three options simulates zero copy: with each, on lo and on veth, the receiver still copies %.2f–%.2f of every byte; "
                                                + "they change when segments leave (round trips in the table), not whether data is copied.",
                                        minCopies,
                                        rows.stream()
                                                .mapToDouble(Row::receiveCopiesPerByte)
                                                .filter(d -> !Double.isNaN(d))
                                                .max()
                                                .orElse(Double.NaN));
                            case SUPPORTED -> "An option took the receiver below half a copy per byte (table).";
                            case PARTLY_TRUE ->
                                "An option moved the receiver's copies per byte, though nowhere near zero (table).";
                            default ->
                                "The receiver's copies could not be traced here (tracefs unavailable), so whether any option removes a copy is not shown.";
                        })
                .measured(
                        Double.isNaN(minCopies) ? null : minCopies, "lowest receiver copies per byte under any option")
                .claimed(0.0)
                .evidence(ev)
                .build());
        figures(o, rows, trips);
        return o;
    }

    /**
     * Round trips to a stream echo server on the route's receiving side, the client's and the server's threads placed
     * per {@code pl}; each of the {@code of} placements gets its share of the profile's time.
     */
    @SuppressWarnings("try") // the pin is held for the whole block and released by closing it
    static EchoStats roundTrips(RunContext ctx, TracedStream.Route r, SocketOptions opt, Placement pl, int of) {
        int n = ctx.profile().wakeupMessages;
        double seconds = ctx.profile().by(1.5, 3.0, 8.0) / of;
        try (ChildJvm server = EchoClients.startStreamServer(r.transport(), r.bindSpec(), 600, r.receiverPrefix());
                Connection c = r.transport().connect(EchoClients.address(server));
                Placement.Pin pinned =
                        pl.pin(server.expect(ChildLine.Armed.class, 30_000).tid())) {
            opt.applyForRoundTrips((TcpSocket) c);
            return EchoClients.stream(opt.label, c, MESSAGE, opt.framing, n / 10, n, seconds);
        }
    }

    static void figures(Outcome o, List<Row> rows, List<Trip> trips) {
        List<String> opts = SocketOptions.labels();
        CategoryChart c = Charts.bars(
                "VETH-2: receiver copies per byte under each option",
                "option on the sending socket",
                "copies per byte");
        for (String route : NamespaceRoutes.names()) {
            c.addSeries(
                    "measured, " + route,
                    opts,
                    rows.stream()
                            .filter(r -> r.route().equals(route))
                            .map(r -> Double.isNaN(r.receiveCopiesPerByte()) ? 0.0 : r.receiveCopiesPerByte())
                            .toList());
        }
        c.addSeries(
                        "article: zero copy 'simulated' (0)",
                        opts,
                        opts.stream().map(x -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        o.figure(new Figure(
                "copies",
                List.of("VETH-2"),
                "Measured: bytes copied by the receiving read() per payload byte (skb_copy_datagram_iovec), "
                        + "one traced transfer per option and route; the article's claim would put these at 0.",
                c));
        CategoryChart l = Charts.bars(
                "VETH-2: 1 KiB request as header + body, round-trip p50", "option on the sending socket", "µs");
        for (String route : NamespaceRoutes.names())
            for (String pl : trips.stream().map(Trip::placement).distinct().toList())
                l.addSeries(
                        route + ", " + Placement.parse(pl).describe(),
                        opts,
                        opts.stream()
                                .map(opt -> trips.stream()
                                        .filter(t -> t.route().equals(route)
                                                && t.option().equals(opt)
                                                && t.placement().equals(pl))
                                        .mapToDouble(Trip::p50Micros)
                                        .findFirst()
                                        .orElse(0))
                                .toList());
        o.figure(new Figure(
                "latency",
                List.of("VETH-2"),
                "Measured: closed-loop round trips of a request written in two parts, per placement of the client's and the echo server's threads; with the defaults "
                        + "Nagle's algorithm holds the body until the header is acknowledged. The article makes no latency claim; this is what the options actually change.",
                l));
    }
}

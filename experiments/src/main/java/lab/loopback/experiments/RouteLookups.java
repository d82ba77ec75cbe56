package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import org.knowm.xchart.CategoryChart;

/**
 * PATH-3: "data reaches the user buffer without ever being routed". Every fib:fib_table_lookup of the
 * traced transfer's tasks, split at its first and last data segment on lo: lookups while the connection is
 * made, per data segment, and at the end. A route looked up once and cached on the socket is still a route:
 * every segment then goes out through ip_queue_xmit on it (the IP counters of LoopbackPath).
 */
@Measures(
        name = "route-lookups",
        claims = {"PATH-3"})
public final class RouteLookups implements Experiment {
    /** A lookup and the phase of the connection it came in. */
    public record Lookup(String phase, double microsFromStart, String details) {}

    /** Route lookups per data segment from which the segments count as routed one by one. */
    static final double ROUTED_PER_SEGMENT = 0.5;

    /** The connection's fib_table_lookup events, all of them and per data segment. */
    public record Lookups(long total, double perSegment) {}

    static final Rule<Lookups> RULE = Rule.<Lookups>forClaim("PATH-3")
            .when(
                    Verdict.SUPPORTED,
                    Condition.below("fib_table_lookup events of the connection", l -> l.total(), 1, Shown.PLAIN))
            .when(
                    Verdict.REFUTED,
                    Condition.atLeast(
                            "fib_table_lookup events per data segment",
                            Lookups::perSegment,
                            ROUTED_PER_SEGMENT,
                            Shown.PLAIN))
            .because("lookups at set-up only route the connection, not each segment")
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judge(long total, double perSegment) {
        return RULE.judge(new Lookups(total, perSegment));
    }

    @Override
    public Outcome run(RunContext ctx) {
        TracedStream.Result r = KernelEvidence.traced(ctx);
        Outcome o = new Outcome(name());
        if (!r.traced() || r.missingEvents().contains("fib/fib_table_lookup")) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "PATH-3",
                    KernelEvidence.traceLack(ctx),
                    "Route lookups are seen only through the fib:fib_table_lookup tracepoint: "
                            + (r.traced() ? "this kernel lacks it" : r.traceUnavailable()) + "."));
            return o;
        }
        List<TraceEvent> data = PathCount.dataXmits(r.trace());
        long first = data.isEmpty() ? Long.MAX_VALUE : data.getFirst().nanos(),
                last = data.isEmpty() ? Long.MAX_VALUE : data.getLast().nanos();
        List<Lookup> lookups = new ArrayList<>();
        long setup = 0, during = 0, after = 0;
        for (TraceEvent e : r.trace().of("fib_table_lookup")) {
            String phase = e.nanos() < first
                    ? "connection set-up"
                    : e.nanos() <= last ? "data transfer" : "after the last data segment";
            if (e.nanos() < first) setup++;
            else if (e.nanos() <= last) during++;
            else after++;
            lookups.add(new Lookup(phase, (e.nanos() - r.trace().startNanos()) / 1e3, e.details()));
        }
        o.table("lookups", RecordTable.of("lookups", Lookup.class, lookups));
        long dataSegs = data.size();
        double perSegment = dataSegs == 0 ? 0 : during / (double) dataSegs;
        long total = setup + during + after;
        Verdict v = RULE.judge(o.facts("PATH-3", Lookups.class, new Lookups(total, perSegment)));
        String tables = lookups.stream()
                .map(l -> l.details().replaceAll(".*?table (\\d+).*==> dev (\\S+).*", "table $1 → dev $2"))
                .distinct()
                .reduce((a, b) -> a + ", " + b)
                .orElse("none");
        o.verdict(ctx.judged("PATH-3", v)
                .summary(String.format(
                        "The kernel looked the route up %d times while the connection was made and %d times for %d data segments (%.3f per segment): %s",
                        setup,
                        during,
                        dataSegs,
                        perSegment,
                        v == Verdict.PARTLY_TRUE
                                ? "no lookup per segment, but the data is routed — over the route chosen at connect time and cached on the socket, through the IP layer and lo."
                                : v == Verdict.REFUTED ? "segments are routed one by one." : "no route lookup at all."))
                .measured(perSegment, "FIB lookups per data segment")
                .claimed(0.0)
                .evidence(List.of(
                        String.format(
                                "fib:fib_table_lookup of the connection's tasks: %d at set-up, %d during data, %d after (%s; table 254 is main — with no policy rules the kernel keeps the local table merged into it)",
                                setup, during, after, tables),
                        "data segments: net_dev_xmit dev=lo of ≥ " + PathCount.DATA_LEN + " bytes, " + dataSegs,
                        "each data segment still passes the IP layer (Ip.InReceives per segment in loopback-path)",
                        RULE.evidence()))
                .build());
        CategoryChart c =
                Charts.bars("PATH-3: route lookups of one loopback connection", "", "fib_table_lookup events");
        List<String> names = List.of(
                "while connecting", "during data (" + dataSegs + " segments)", "per data segment", "after the data");
        c.addSeries("article: never routed", names, List.of(0, 0, 0, 0)).setFillColor(Charts.CLAIM);
        c.addSeries("measured", names, List.of((double) setup, (double) during, perSegment, (double) after))
                .setFillColor(Charts.MEASURED);
        o.figure(new Figure(
                "route-lookups",
                List.of("PATH-3"),
                "Measured: fib:fib_table_lookup events of the connection's tasks, split at its first and last data segment on lo. A lookup at set-up "
                        + "whose result is cached means the data is routed without a lookup per segment; the article says it is never routed.",
                c));
        return o;
    }
}

package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.TraceEvent;
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
import org.knowm.xchart.CategoryChart;

/**
 * PATH-3: "data reaches the user buffer without ever being routed". Routing is what the kernel does: a FIB lookup
 * when the connection is made, yielding a route (a dst) that the socket caches and every segment carries out through
 * ip_local_out and in through ip_local_deliver. So the fib:fib_table_lookup events of the traced transfer's tasks,
 * split at its first and last data segment on lo: lookups while the connection is made, per data segment, and at the
 * end. No lookup per segment is reported beside the verdict: caching the route on the socket (and early demux on
 * receive) is generic TCP, not a loopback feature.
 */
@Measures(
        name = "route-lookups",
        claims = {"PATH-3"})
public final class RouteLookups implements Experiment {
    /** A lookup and the phase of the connection it came in. */
    public record Lookup(String phase, double microsFromStart, String details) {}

    static final String SETUP = "connection set-up", DATA = "data transfer", AFTER = "after the last data segment";

    /** Lookups of the connection from which it counts as routed: one lookup is a route chosen and then carried. */
    static final long LOOKUPS_ROUTED = 1;

    private static final String UNIT = "FIB lookups of the connection";

    /** The connection's fib_table_lookup events, all of them and per data segment (NaN when not known). */
    public record Lookups(long total, double perSegment) {}

    static final Rule<Lookups> RULE = Rule.<Lookups>forClaim("PATH-3")
            .when(
                    Verdict.REFUTED,
                    Condition.atLeast(
                            "fib_table_lookup events of the connection", Lookups::total, LOOKUPS_ROUTED, Shown.PLAIN))
            .because("a lookup routes the connection; the route it returns is cached on the socket and carried by "
                    + "every segment through ip_local_out and ip_local_deliver, which is routing once, not no routing")
            .otherwise(Verdict.SUPPORTED);

    static Verdict judge(long total, double perSegment) {
        return RULE.judge(new Lookups(total, perSegment));
    }

    /**
     * PATH-3 from the recorded lookups (one row per fib_table_lookup event); per segment from the facts table where
     * the run recorded it (runs before it: not known, and the rule does not need it).
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Lookup> rows = r.rows("lookups", Lookup.class);
        double perSegment = r.view().tables().containsKey("facts-path-3")
                ? r.rows("facts-path-3", Lookups.class).getFirst().perSegment()
                : Double.NaN;
        Lookups l = new Lookups(rows.size(), perSegment);
        long during = rows.stream().filter(x -> x.phase().equals(DATA)).count();
        return new RecordedRule.Judgement(
                RULE.judge(l),
                (double) l.total(),
                rows.size() + " lookups, " + during + " of them during the data",
                UNIT);
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
            String phase = e.nanos() < first ? SETUP : e.nanos() <= last ? DATA : AFTER;
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
                .summary(
                        v == Verdict.REFUTED
                                ? String.format(
                                        "Routed: the kernel looked the route up %d times while the connection was made (%d times for its %d data segments, %.3f per segment). "
                                                + "Every segment then carries that route out through ip_local_out and in through ip_local_deliver; not looking it up again per segment is TCP caching the route on its socket, for any destination.",
                                        setup, during, dataSegs, perSegment)
                                : String.format(
                                        "No route lookup of the connection was traced (%d data segments): the claim holds for what the tracepoint shows.",
                                        dataSegs))
                .measured((double) total, UNIT)
                .claimed(0.0)
                .evidence(List.of(
                        String.format(
                                "fib:fib_table_lookup of the connection's tasks: %d at set-up, %d during data, %d after (%s; table 254 is main — with no custom policy rules the kernel keeps the local table merged into it and looks there directly)",
                                setup, during, after, tables),
                        "data segments: net_dev_xmit dev=lo of ≥ " + PathCount.DATA_LEN + " bytes, " + dataSegs,
                        "each data segment still passes the IP layer with the cached route (Ip.InReceives per segment in loopback-path)",
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

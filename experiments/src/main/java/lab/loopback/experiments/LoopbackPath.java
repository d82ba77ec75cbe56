package lab.loopback.experiments;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import lab.loopback.chart.Charts;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.LoopbackFacts;
import lab.loopback.kernel.PathContexts;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Placement;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.TcpInfo;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * TLDR-1, FAST-2, PATH-1, HIST-2: which layers the segments of one loopback transfer pass through, per
 * segment of that connection (its exact count from TCP_INFO), as the kernel reports it: tracepoints of
 * the connection's own tasks (lower bounds), the namespace's /proc/net counters (less the background of
 * an equally long quiet window), lo's offload features, the route for 127.0.0.1, and the sizes of the
 * segments lo carried.
 */
@Measures(
        name = "loopback-path",
        claims = {"TLDR-1", "FAST-2", "PATH-1", "HIST-2"})
public final class LoopbackPath implements Experiment {
    /** At or above this many events per segment a layer is traversed; at or below BYPASSED it is not. */
    static final double TRAVERSED = 0.5, BYPASSED = 0.05;
    /** lo's link-layer header: net_dev_xmit lengths include it, the MTU does not. */
    static final int ETH_HLEN = 14;

    /** One layer's count over the transfer and per segment. */
    public record Layer(String layer, String evidence, String source, double count, double perSegment) {
        /** A counter that other traffic swamped: listed with its reason, never drawn or judged as this connection's. */
        boolean swamped() {
            return source.startsWith(COUNTER_SOURCE + SWAMPED);
        }

        /** Seen by a tracepoint on this connection's tasks, not a namespace-wide counter. */
        boolean traced() {
            return source.equals(TRACEPOINT_SOURCE);
        }

        /** A counter's row: its source says whether other traffic swamped it ({@code why}, or null if not). */
        static String counterSource(String why) {
            return why == null ? COUNTER_SOURCE : COUNTER_SOURCE + SWAMPED + why + ")";
        }
    }

    /** A counter's delta over the transfer and the background expected in a window as long. */
    public record Counter(String counter, long delta, double background) {}

    /** One of the four things TLDR-1 says loopback bypasses, and what this host shows for it. */
    public record Part(String part, boolean bypassed, String evidence) {}

    /** Events per segment at lo (net_dev_xmit) and at the IP layer (receptions). */
    record PerSegment(double device, double ip) {}

    private static final String AT_DEVICE = "lo's net_dev_xmit events per segment",
            AT_IP = "IP-layer receptions per segment";
    static final Rule<Double> DEVICE = Rule.<Double>forClaim("PATH-1")
            .when(Verdict.REFUTED, Condition.atLeast(AT_DEVICE, d -> d, TRAVERSED, Shown.PLAIN))
            .when(Verdict.SUPPORTED, Condition.atMost(AT_DEVICE, d -> d, BYPASSED, Shown.PLAIN))
            .otherwise(Verdict.PARTLY_TRUE);
    static final Rule<PerSegment> BYPASS = Rule.<PerSegment>forClaim("FAST-2")
            .when(
                    Verdict.REFUTED,
                    Condition.atLeast(AT_DEVICE, PerSegment::device, TRAVERSED, Shown.PLAIN)
                            .and(Condition.atLeast(AT_IP, PerSegment::ip, TRAVERSED, Shown.PLAIN)))
            .when(
                    Verdict.SUPPORTED,
                    Condition.atMost(AT_DEVICE, PerSegment::device, BYPASSED, Shown.PLAIN)
                            .and(Condition.atMost(AT_IP, PerSegment::ip, BYPASSED, Shown.PLAIN)))
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judgeDevice(double devicePerSegment) {
        return DEVICE.judge(devicePerSegment);
    }

    static Verdict judgeBypass(double devicePerSegment, double ipPerSegment) {
        return BYPASS.judge(new PerSegment(devicePerSegment, ipPerSegment));
    }

    /** PATH-1, FAST-2 and TLDR-1 from the device and IP-layer counts of this connection. */
    private void judgePath(
            Outcome o,
            RunContext ctx,
            TracedStream.Result r,
            LoopbackFacts facts,
            PathCount p,
            long seg,
            double devicePerSeg,
            String deviceSource,
            double ipPerSeg,
            String ipSource,
            String segLine,
            String bg,
            String route) {
        // PATH-1
        Verdict v1 = judgeDevice(devicePerSeg);
        o.verdict(ctx.judged("PATH-1", v1)
                .summary(String.format(
                        "%.2f lo device transmissions per segment: %s",
                        devicePerSeg,
                        v1 == Verdict.REFUTED
                                ? String.format(
                                        "%.0f transmissions through the lo device (loopback_xmit) for %d segments — device output was not skipped.",
                                        devicePerSeg * seg, seg)
                                : v1 == Verdict.SUPPORTED
                                        ? "no segment went through the lo device."
                                        : "some segments bypassed the lo device."))
                .measured(devicePerSeg, "lo device transmissions per segment")
                .claimed(0.0)
                .evidence(Stream.of(
                                deviceSource + String.format(": %.0f for %d segments", devicePerSeg * seg, seg),
                                segLine,
                                KernelEvidence.contextsLine(r),
                                KernelEvidence.placedContextsLine(KernelEvidence.placedTransfers(ctx)),
                                route,
                                DEVICE.evidence())
                        .filter(Objects::nonNull)
                        .toList())
                .build());

        // FAST-2
        Verdict v2 = judgeBypass(devicePerSeg, ipPerSeg);
        o.verdict(ctx.judged("FAST-2", v2)
                .summary(String.format(
                        "Per segment of this connection the IP layer counted %.2f received packets and the lo device %.2f transmissions: %s",
                        ipPerSeg,
                        devicePerSeg,
                        v2 == Verdict.REFUTED
                                ? "data does not pass socket to socket; it goes down through IP and lo and up again."
                                : v2 == Verdict.SUPPORTED
                                        ? "the IP stack and the device were bypassed."
                                        : "part of the traffic bypassed one of the layers."))
                .measured(ipPerSeg, "IP-layer packets per segment")
                .claimed(0.0)
                .evidence(List.of(
                        ipSource,
                        String.format(
                                "Ip.InReceives %+.0f, Ip.InDelivers %+.0f, Tcp.OutSegs %+.0f (namespace-wide, less background)",
                                r.counterNet("Ip.InReceives"),
                                r.counterNet("Ip.InDelivers"),
                                r.counterNet("Tcp.OutSegs")),
                        deviceSource + String.format(": %.0f", devicePerSeg * seg),
                        segLine,
                        KernelEvidence.contextsLine(r),
                        bg,
                        BYPASS.evidence()))
                .build());

        // TLDR-1
        List<Part> parts = parts(p, facts, devicePerSeg, ipPerSeg);
        o.table("bypass", RecordTable.of("bypass", Part.class, parts));
        Verdict v3 = judgeParts(parts);
        long bypassed = parts.stream().filter(Part::bypassed).count();
        List<String> ev = new ArrayList<>();
        for (Part x : parts) ev.add(x.part() + ": " + (x.bypassed() ? "bypassed — " : "traversed — ") + x.evidence());
        ev.add(segLine);
        ev.add(KernelEvidence.contextsLine(r));
        ev.add(PARTS.evidence());
        o.verdict(ctx.judged("TLDR-1", v3)
                .summary(String.format(
                        "%d of the four hold: %s",
                        bypassed,
                        String.join(
                                        "; ",
                                        parts.stream()
                                                .map(x -> x.part() + (x.bypassed() ? " bypassed" : " traversed"))
                                                .toList())
                                + "."))
                .measured((double) bypassed, "of 4 parts bypassed")
                .claimed(4.0)
                .evidence(ev)
                .build());
    }

    /**
     * Why the namespace-wide counters cannot stand for one connection, or null. The connection's own segments
     * (TCP_INFO, both directions) bound what they may show: from none (bypassed, give or take a tenth for noise)
     * to one packet per segment and a half; outside that, other traffic coming and going swamped them.
     */
    static final String COUNTER_SOURCE = "/proc/net counter, namespace-wide, less background";

    static final String TRACEPOINT_SOURCE = "tracepoint, this connection's tasks";
    /** Written after COUNTER_SOURCE, then the reason and ')': the recorded tables of earlier runs read the same. */
    private static final String SWAMPED = "; swamped by other traffic, not evidence (";

    static String swampedCounters(TracedStream.Result r) {
        for (String c : List.of("dev.lo.tx_packets", "Ip.InReceives")) {
            String why = swamped(c, r.counterNet(c), r.counterBackground(c), r.segments());
            if (why != null) return why;
        }
        return null;
    }

    static String swamped(String counter, double net, double background, long segments) {
        if (net >= -0.1 * segments && net <= 1.5 * segments) return null;
        return String.format(
                "%s %+.0f less a background of %+.0f leaves %.0f for %d segments",
                counter, net + background, background, net, segments);
    }

    private static final Condition<Part> BYPASSED_PART = Condition.fact("it is bypassed", Part::bypassed);
    static final Rule<List<Part>> PARTS = Rule.<List<Part>>forClaim("TLDR-1")
            .when(Verdict.SUPPORTED, Condition.every("part the sentence names", ps -> ps, BYPASSED_PART))
            .when(Verdict.PARTLY_TRUE, Condition.some("part the sentence names", ps -> ps, BYPASSED_PART))
            .otherwise(Verdict.REFUTED);

    static Verdict judgeParts(List<Part> parts) {
        return PARTS.judge(parts);
    }

    /**
     * Packetized (more than one data segment for a transfer larger than one MSS), no segment above the MTU
     * ({@code largestPayload} -1: not observed, not checked), routed via lo.
     */
    public record Segments(
            long dataSegments, long largestPayload, long transfer, int mss, int mtu, String routeDevice) {}

    static final Rule<Segments> SEGMENTS = Rule.<Segments>forClaim("HIST-2")
            .when(
                    Verdict.SUPPORTED,
                    Condition.<Segments>fact(
                                    "a transfer larger than one MSS is split into several segments",
                                    s -> s.transfer() <= s.mss() || s.dataSegments() > 1)
                            .and(Condition.fact(
                                    "no segment lo carried is above the MTU (checked only with the trace)",
                                    s -> s.largestPayload() <= s.mtu()))
                            .and(Condition.fact("the route to 127.0.0.1 is via lo", s -> "lo".equals(s.routeDevice()))))
            .otherwise(Verdict.REFUTED);

    static Verdict judgeSegments(
            long dataSegments, long largestPayload, long transfer, int mss, int mtu, String routeDevice) {
        return SEGMENTS.judge(new Segments(dataSegments, largestPayload, transfer, mss, mtu, routeDevice));
    }

    /**
     * Per segment, from the recorded layers table: lo's transmissions and the IP layer's receptions — this connection's
     * tracepoints where the run had them, else the namespace-wide counters, as {@link #run} chose.
     */
    private static double[] deviceAndIp(Recorded r) {
        List<Layer> layers = r.rows("layers", Layer.class);
        boolean traced = layers.stream().anyMatch(l -> l.evidence().equals("net:net_dev_xmit dev=lo"));
        String device = traced ? "net:net_dev_xmit dev=lo" : "dev.lo.tx_packets";
        String ip = traced ? "net:netif_receive_skb dev=lo" : "Ip.InReceives";
        return new double[] {
            r.first("layers", Layer.class, l -> l.evidence().equals(device), "for " + device)
                    .perSegment(),
            r.first("layers", Layer.class, l -> l.evidence().equals(ip), "for " + ip)
                    .perSegment()
        };
    }

    /** PATH-1 from the recorded layers table. */
    static RecordedRule.Judgement fromTablesDevice(Recorded r) {
        double device = deviceAndIp(r)[0];
        return new RecordedRule.Judgement(
                judgeDevice(device), device, String.format("%.3f lo transmissions per segment", device));
    }

    /** FAST-2 from the recorded layers table. */
    static RecordedRule.Judgement fromTablesBypass(Recorded r) {
        double[] d = deviceAndIp(r);
        return new RecordedRule.Judgement(
                judgeBypass(d[0], d[1]),
                null,
                String.format("per segment: %.3f lo transmissions, %.3f IP-layer receptions", d[0], d[1]));
    }

    /** TLDR-1 from the recorded bypass table (the four parts, each bypassed or not). */
    static RecordedRule.Judgement fromTablesParts(Recorded r) {
        List<Part> parts = r.rows("bypass", Part.class);
        return new RecordedRule.Judgement(
                judgeParts(parts),
                null,
                parts.stream().filter(Part::bypassed).count() + " of " + parts.size() + " parts bypassed");
    }

    @Override
    public Outcome run(RunContext ctx) {
        TracedStream.Result r = KernelEvidence.traced(ctx);
        LoopbackFacts facts = ctx.shared("loopback-facts", LoopbackFacts::probe);
        Outcome o = new Outcome(name());
        long seg = r.segments();
        PathCount p = r.traced() ? PathCount.of(r.trace()) : null;
        List<Layer> layers = layers(r, p, seg);
        o.table("layers", RecordTable.of("layers", Layer.class, layers));
        List<Counter> counters = r.counters().entrySet().stream()
                .map(e -> new Counter(e.getKey(), e.getValue(), r.counterBackground(e.getKey())))
                .toList();
        o.table("counters", RecordTable.of("counters", Counter.class, counters));
        o.table("tcp-info", RecordTable.of("tcp-info", TcpInfo.class, List.of(r.sender())));
        if (r.contexts() != null)
            o.table(
                    "path-contexts",
                    RecordTable.of(
                            "path-contexts",
                            PathContexts.Context.class,
                            r.contexts().contexts()));
        List<KernelEvidence.PlacedTransfer> placed = KernelEvidence.placedTransfers(ctx);
        Table byPlacement = contextsByPlacement(placed);
        if (byPlacement != null) o.table(byPlacement.name(), byPlacement);
        Figure senders = contextsFigure(r.contexts(), placed);
        if (senders != null) o.figure(senders);
        String route = facts.route() == null
                ? "route unknown: " + facts.notes().get("route")
                : "ip route get 127.0.0.1: " + facts.route();
        path(o, ctx, r, facts, p, seg, route);
        o.verdict(hist2(o, ctx, r, facts, p, route));
        if (layers.stream().anyMatch(l -> !l.swamped())) o.figure(layersFigure(layers, seg));
        if (p != null) {
            o.table(
                    "segment-lengths",
                    RecordTable.of(
                            "segment-lengths",
                            SegmentLength.class,
                            p.xmitLengths().stream().map(SegmentLength::new).toList()));
            o.figure(sizesFigure(p.xmitLengths(), mss(r, facts), mtu(facts)));
        }
        return o;
    }

    /** The pinned transfers' contexts, one table with a placement column first; null when none was traced. */
    static Table contextsByPlacement(List<KernelEvidence.PlacedTransfer> placed) {
        Table out = null;
        for (KernelEvidence.PlacedTransfer t : placed) {
            if (t.contexts() == null) continue;
            Table one = RecordTable.of(
                    "path-contexts-by-placement",
                    PathContexts.Context.class,
                    t.contexts().contexts());
            one.insertColumn(
                    0,
                    StringColumn.create(
                            "placement",
                            Collections.nCopies(one.rowCount(), t.placement().id())
                                    .toArray(String[]::new)));
            out = out == null ? one : out.append(one);
        }
        return out;
    }

    /** The contexts the figure stacks, in order; the rest of the bytes are "other tasks". */
    private static final List<String> SENDERS =
            List.of(PathContexts.IN_SENDER, PathContexts.IN_RECEIVER, PathContexts.IN_KSOFTIRQD);

    /**
     * Who sent the bytes counted on lo, one stacked bar per transfer: the shared one (left to the scheduler) and each
     * pinned placement's; a transfer with nothing sent recorded is left out, and null when none is left.
     */
    static Figure contextsFigure(PathContexts shared, List<KernelEvidence.PlacedTransfer> placed) {
        Map<String, PathContexts> bars = new LinkedHashMap<>();
        if (shared != null) bars.put(Placement.SCHEDULER.describe(), shared);
        for (KernelEvidence.PlacedTransfer t : placed)
            if (t.contexts() != null) bars.put(t.placement().describe(), t.contexts());
        bars.values().removeIf(c -> c.total(PathContexts.Context::sentBytes) == 0);
        if (bars.isEmpty()) return null;
        CategoryChart c = Charts.bars(
                "PATH-1: in whose context lo's path sent the stream",
                "",
                "share of the bytes counted in these tasks (%)");
        c.getStyler().setStacked(true);
        List<String> names = List.copyOf(bars.keySet());
        List<String> legend = List.of("the writing thread", "the reading process", "ksoftirqd");
        List<Color> colors = List.of(Charts.MEASURED, Charts.REFERENCE, Charts.MEASURED_ELSEWHERE);
        for (int i = 0; i < SENDERS.size(); i++) {
            String context = SENDERS.get(i);
            c.addSeries(
                            legend.get(i),
                            names,
                            bars.values().stream()
                                    .map(p -> 100 * p.share(context, PathContexts.Context::sentBytes))
                                    .toList())
                    .setFillColor(colors.get(i));
        }
        List<Double> other = bars.values().stream()
                .map(p -> 100
                        * (1
                                - SENDERS.stream()
                                        .mapToDouble(k -> p.share(k, PathContexts.Context::sentBytes))
                                        .sum()))
                .toList();
        if (other.stream().anyMatch(v -> v > 0.05))
            c.addSeries("other tasks", names, other).setFillColor(Charts.MARKER);
        return new Figure(
                "path-senders",
                List.of("PATH-1"),
                "Observed: net:net_dev_xmit on lo during the traced transfer, its bytes summed by the task whose context "
                        + "sent them (the writing thread, the reading process, the ksoftirqd threads), once with the peers "
                        + "left to the scheduler and once per placement with both pinned. PATH-1 puts the loopback decision in "
                        + "the writer's tcp_sendmsg; every byte here went through the lo device, and the writer's own context "
                        + "sent only part of them. Why the reader sends (a reading of tcp_ack -> tcp_data_snd_check in "
                        + "net/ipv4/tcp_input.c, kernel source, not traced): an ACK processed while the writer's socket still "
                        + "holds unsent data sends it. Only the peers and ksoftirqd are traced: a segment sent in a softirq "
                        + "that interrupted another task is not counted, so the shares are of the bytes counted. One "
                        + "transfer each: the shares move from run to run.",
                c);
    }

    /** Each layer's events for this connection: its own tracepoints where traced, and the namespace's counters. */
    private static List<Layer> layers(TracedStream.Result r, PathCount p, long seg) {
        List<Layer> layers = new ArrayList<>();
        if (p != null) {
            layers.add(new Layer(
                    "lo device, out",
                    "net:net_dev_xmit dev=lo",
                    TRACEPOINT_SOURCE,
                    p.xmitOnLo(),
                    p.xmitOnLo() / (double) seg));
            layers.add(new Layer(
                    "lo device, in", "net:netif_rx dev=lo", TRACEPOINT_SOURCE, p.rxOnLo(), p.rxOnLo() / (double) seg));
            layers.add(new Layer(
                    "stack receive",
                    "net:netif_receive_skb dev=lo",
                    TRACEPOINT_SOURCE,
                    p.receivedOnLo(),
                    p.receivedOnLo() / (double) seg));
        }
        for (String[] c : new String[][] {
            {"lo device, out", "dev.lo.tx_packets"},
            {"IP layer, in", "Ip.InReceives"},
            {"IP layer, delivered to TCP", "Ip.InDelivers"},
            {"TCP, segments out", "Tcp.OutSegs"}
        }) {
            String why = swamped(c[1], r.counterNet(c[1]), r.counterBackground(c[1]), seg);
            layers.add(new Layer(c[0], c[1], Layer.counterSource(why), r.counterNet(c[1]), r.counterNet(c[1]) / seg));
        }
        return layers;
    }

    /** PATH-1, FAST-2 and TLDR-1: what the connection's segments passed through, by the best evidence the host gives. */
    private void path(
            Outcome o,
            RunContext ctx,
            TracedStream.Result r,
            LoopbackFacts facts,
            PathCount p,
            long seg,
            String route) {
        double devicePerSeg = p != null ? p.xmitOnLo() / (double) seg : r.counterNet("dev.lo.tx_packets") / seg;
        String deviceSource = p != null
                ? "net:net_dev_xmit dev=lo events of this connection's tasks (a lower bound)"
                : "/proc/net/dev lo tx_packets, namespace-wide less background (tracefs: " + r.traceUnavailable() + ")";
        // the IP layer from this connection's own tracepoints when there are any: namespace-wide counters less a
        // background window go wrong (even negative) when other traffic on the host comes and goes meanwhile
        double ipCounterPerSeg = r.counterNet("Ip.InReceives") / seg;
        double ipPerSeg = p != null ? p.receivedOnLo() / (double) seg : ipCounterPerSeg;
        String ipSource = p != null
                ? String.format(
                        "net:netif_receive_skb dev=lo events of this connection's tasks: %d (lo hands each packet up "
                                + "to the protocol stack, ip_rcv for IPv4; a lower bound); the namespace-wide Ip.InReceives counter less background says %.2f per segment",
                        p.receivedOnLo(), ipCounterPerSeg)
                : "/proc/net/snmp Ip.InReceives, namespace-wide less background (tracefs: " + r.traceUnavailable()
                        + ")";
        // with tracepoints the counters are only corroboration; without them they must be plausible to count at all
        String swamped = p == null ? swampedCounters(r) : null;
        String segLine = String.format(
                "this connection carried %d segments (TCP_INFO of the sender: segs_out %d + segs_in %d; %d of them data), %s in %s writes",
                seg,
                r.sender().segsOut(),
                r.sender().segsIn(),
                r.sender().dataSegsOut(),
                Bytes.human(r.trial().bytesReceived()),
                Bytes.human(KernelEvidence.WRITE));
        String bg = String.format(
                "counter background: a %.2f s quiet window just before showed lo tx_packets %+.0f, Ip.InReceives %+.0f (scaled to the %.2f s transfer window)",
                r.backgroundSeconds(),
                r.counterBackground("dev.lo.tx_packets"),
                r.counterBackground("Ip.InReceives"),
                r.windowSeconds());

        if (swamped != null) {
            // without tracepoints the counters are all there is; when other traffic swamped them, nothing can be judged
            for (String id : List.of("PATH-1", "FAST-2", "TLDR-1")) {
                o.verdict(
                        KernelEvidence.notTestable(
                                ctx,
                                id,
                                Lack.TRACEFS,
                                "No tracepoints (" + r.traceUnavailable() + ") and the namespace-wide counters were "
                                        + "swamped by other traffic during the measurement (" + swamped
                                        + "), so this run cannot say what one connection's "
                                        + "segments passed through; rerun on a quieter host, or as root where tracefs is available."));
            }
        } else {
            judgePath(o, ctx, r, facts, p, seg, devicePerSeg, deviceSource, ipPerSeg, ipSource, segLine, bg, route);
        }
    }

    private static int mtu(LoopbackFacts facts) {
        return facts.loMtu() == null ? 65536 : facts.loMtu();
    }

    /** The connection's advertised MSS (TCP_INFO), else a fresh loopback connection's TCP_MAXSEG. */
    private static int mss(TracedStream.Result r, LoopbackFacts facts) {
        return r.sender().advMss() > 0 ? (int) r.sender().advMss() : facts.mss();
    }

    /** HIST-2: the transfer still goes out as MSS-sized segments through lo, none above the MTU. */
    private static ClaimVerdict hist2(
            Outcome o, RunContext ctx, TracedStream.Result r, LoopbackFacts facts, PathCount p, String route) {
        int mtu = mtu(facts);
        List<Long> dataLens = p == null
                ? List.of()
                : PathCount.dataXmits(r.trace()).stream()
                        .map(e -> Long.parseLong(e.field("len")))
                        .toList();
        long dataSegs = p != null ? dataLens.size() : r.sender().dataSegsOut();
        // with the trace: the largest IP packet lo carried; without: only the average the counters imply, which cannot
        // show the largest
        long largest =
                p != null ? dataLens.stream().mapToLong(Long::longValue).max().orElse(0) - ETH_HLEN : -1;
        long average = Math.round((double) r.counters().getOrDefault("dev.lo.tx_bytes", 0L)
                        / Math.max(1, r.counters().getOrDefault("dev.lo.tx_packets", 1L)))
                - ETH_HLEN;
        int mss = mss(r, facts);
        Verdict v4 = SEGMENTS.judge(o.facts(
                "HIST-2",
                Segments.class,
                new Segments(dataSegs, largest, r.trial().bytesReceived(), mss, mtu, facts.routeDevice())));
        return ctx.judged("HIST-2", v4)
                .summary(String.format(
                        "%s: %s went out as %d data segments %s on lo (MTU %s, MSS %d), routed %s%s",
                        v4 == Verdict.SUPPORTED ? "It still happens today" : "Not as described",
                        Bytes.human(r.trial().bytesReceived()),
                        dataSegs,
                        p != null
                                ? "of at most " + Bytes.human(largest)
                                : "(lo's packets average " + Bytes.human(average) + ", ACKs included)",
                        Bytes.human(mtu),
                        mss,
                        facts.routeDevice() == null
                                ? "(route unknown)"
                                : "via " + facts.routeDevice() + " (" + facts.routeType() + ")",
                        v4 == Verdict.SUPPORTED
                                ? " and reassembled into the receiver's stream — the 'old' path is still the path."
                                : "."))
                .measured(
                        (double) (p != null ? largest : average),
                        p != null ? "bytes, largest IP packet on lo" : "bytes, average IP packet on lo")
                .evidence(List.of(
                        p != null
                                ? "segment lengths from net:net_dev_xmit dev=lo (link header of " + ETH_HLEN
                                        + " B included there, taken off here)"
                                : "average packet size from /proc/net/dev (tracefs: " + r.traceUnavailable() + ")",
                        "lo MTU " + mtu + " (/sys/class/net/lo/mtu); advertised MSS " + mss + " and final send MSS "
                                + r.sender().sndMss()
                                + " (TCP_INFO of this connection); TCP_MAXSEG of a fresh loopback connection "
                                + facts.mss()
                                + " (TCP bounds the MSS to half the peer's initial window until the window opens)",
                        "lo does TSO/GSO: one skb on lo may carry more than one MSS, so lo's packets are fewer than TCP_INFO's MSS-sized segments",
                        route,
                        SEGMENTS.evidence()))
                .build();
    }

    public record SegmentLength(long bytesOnLo) {}

    static List<Part> parts(PathCount p, LoopbackFacts facts, double devicePerSeg, double ipPerSeg) {
        List<Part> parts = new ArrayList<>();
        boolean hardware = Files.exists(Path.of("/sys/class/net/lo/device"));
        parts.add(new Part(
                "NIC",
                !hardware,
                hardware
                        ? "/sys/class/net/lo/device exists: lo is backed by a device here"
                        : "lo has no backing device (/sys/class/net/lo/device absent); no NIC hardware is involved"));
        parts.add(new Part(
                "driver stack",
                devicePerSeg <= BYPASSED,
                String.format(
                        "%.2f transmissions per segment through the lo driver (loopback_xmit) and the device layer",
                        devicePerSeg)));
        String csum;
        boolean skipped;
        if (p != null && p.checksumPartial() + p.checksumOther() > 0) {
            skipped = p.checksumOther() == 0;
            csum = String.format(
                    "net_dev_start_xmit on lo: %d of %d skbs with ip_summed=CHECKSUM_PARTIAL, i.e. left to the device; "
                            + "lo advertises checksum offload and never computes it, so no checksum is computed — through the offload feature, not around it",
                    p.checksumPartial(), p.checksumPartial() + p.checksumOther());
        } else {
            String tx = facts.features().get("tx-checksumming");
            skipped = tx != null && tx.startsWith("on");
            csum = tx == null
                    ? "lo's offload features unknown: " + facts.notes().getOrDefault("features", "?")
                    : "ethtool -k lo: tx-checksumming " + tx
                            + " (inferred: the stack leaves the checksum to lo, which does not compute it)";
        }
        parts.add(new Part("checksum", skipped, csum));
        // routing is the route lookup and the dst it yields, which every segment carries; an IP packet count is not it
        boolean looked = p != null && p.fibLookups() > 0;
        boolean localRoute = "lo".equals(facts.routeDevice()) && "local".equals(facts.routeType());
        boolean routed = looked || localRoute;
        parts.add(new Part(
                "IP routing",
                !routed,
                String.format(
                        "%s; %s; each segment then carries that route (its dst) out through ip_local_out and in through ip_local_deliver (%.2f IP-layer packets per segment, %s)",
                        p != null
                                ? p.fibLookups() + " fib:fib_table_lookup events of the connection's tasks (tracepoint)"
                                : "route lookups not traced",
                        facts.route() == null
                                ? "route unknown"
                                : "the kernel resolves 127.0.0.1 to '" + facts.route()
                                        + "' (ip route get: a route of type local, through the FIB)",
                        ipPerSeg,
                        p != null ? "netif_receive_skb, tracepoint" : "Ip.InReceives, counter")));
        return parts;
    }

    private static Figure layersFigure(List<Layer> layers, long seg) {
        CategoryChart c = Charts.bars("TLDR-1 / FAST-2 / PATH-1: layers each segment passes", "", "events per segment");
        // a counter swamped by other traffic is in the table with the reason, not drawn as if it were this connection's
        List<Layer> drawn = layers.stream().filter(l -> !l.swamped()).toList();
        List<String> names = drawn.stream()
                .map(l -> l.layer() + (l.traced() ? " (trace)" : " (counter)"))
                .toList();
        c.addSeries(
                        "measured (" + seg + " segments of one connection)",
                        names,
                        drawn.stream().map(Layer::perSegment).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries("article: 0 (bypassed)", names, drawn.stream().map(l -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        c.getStyler().setXAxisLabelRotation(20);
        return new Figure(
                "layers-per-segment",
                List.of("TLDR-1", "FAST-2", "PATH-1"),
                "Measured: tracepoint events of the connection's own tasks (lower bounds: softirq work deferred to ksoftirqd is not attributed) and "
                        + "/proc/net counters (namespace-wide, less the background of a quiet window), each divided by the connection's segment count "
                        + "from TCP_INFO. The article's claim is that these layers are bypassed: 0 events per segment.",
                c);
    }

    private static Figure sizesFigure(List<Long> lens, int mss, int mtu) {
        XYChart c = Charts.xy(
                "HIST-2: sizes of the packets lo carried",
                "bytes on lo (IP packet + 14 B link header)",
                "packets",
                false);
        int bins = 32;
        double width = (mtu + ETH_HLEN) / (double) bins;
        double[] x = new double[bins], y = new double[bins];
        for (int i = 0; i < bins; i++) x[i] = (i + 0.5) * width;
        for (long l : lens) y[(int) Math.min(bins - 1, l / width)]++;
        Charts.line(c, "measured: net_dev_xmit dev=lo", x, y, Charts.MEASURED);
        double top = Arrays.stream(y).max().orElse(1) * 1.1;
        Charts.vertical(c, "MSS " + mss, mss + 66, 0, top);
        Charts.vertical(c, "MTU " + mtu, mtu + ETH_HLEN, 0, top);
        return new Figure(
                "segment-sizes",
                List.of("HIST-2"),
                "Measured: the length of every packet the lo device transmitted for one transfer (data segments near the MSS, ACKs near 66 B). "
                        + "The article says the old path packetized the stream into sk_buffs and routed them to lo; this is today's kernel doing it.",
                c);
    }
}

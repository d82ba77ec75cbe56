package lab.loopback.experiments;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.LoCapture;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.sys.PacketSocket;
import lab.loopback.tls.JdkStreams;
import lab.loopback.tls.ThrowawayKey;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * SEC-1: "because data never leaves the host, loopback sockets can avoid TLS (if you dare)". What TLS 1.3
 * costs on loopback (JSSE against the same JDK sockets in clear: 64 KiB stream, 64-byte round trips) and
 * whether the premise holds: an AF_PACKET capture on lo, as any root process can open, looks for a marker
 * sent once in clear and once inside TLS.
 */
@Measures(
        name = "tls-cost",
        claims = {"SEC-1"})
public final class TlsCost implements Experiment {
    static final int WRITE = 64 * 1024, MESSAGE = 64;

    public record Capture(
            String connection, long framesOfConnection, boolean markerReadable, long framesDroppedByCapture) {}

    static final Rule<Boolean> RULE = Rule.<Boolean>forClaim("SEC-1")
            .when(Verdict.PARTLY_TRUE, Condition.fact("a capture on lo reads the clear-text marker", seen -> seen))
            .because(
                    "skipping TLS is possible and saves the measured cost, but the data is visible on the host; the cost alone decides nothing")
            .otherwise(Verdict.SUPPORTED);

    static Verdict judge(boolean clearMarkerReadOnLo) {
        return RULE.judge(clearMarkerReadOnLo);
    }

    /** SEC-1 from the recorded capture table: was the clear connection's marker readable on lo? */
    static RecordedRule.Judgement fromTables(Recorded r) {
        boolean clear = r.rows("capture", Capture.class).stream()
                .filter(c -> c.connection().equals("clear"))
                .anyMatch(Capture::markerReadable);
        return new RecordedRule.Judgement(judge(clear), null, "capture on lo read the clear-text marker: " + clear);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        Profile p = ctx.profile();
        ThrowawayKey key = ThrowawayKey.generate();
        List<JdkStreams.Stream> streams = new ArrayList<>();
        for (int round = -1; round < p.trials; round++) {
            ctx.progress("clear vs TLS 1.3 stream, round " + (round + 2) + " of " + (p.trials + 1));
            JdkStreams.Stream c = JdkStreams.stream(null, WRITE, p.trialMaxBytes, p.trialSeconds * 2),
                    t = JdkStreams.stream(key, WRITE, p.trialMaxBytes, p.trialSeconds * 2);
            if (round >= 0) {
                streams.add(c);
                streams.add(t);
            }
        }
        int n = p.wakeupMessages;
        double secs = p.by(1.0, 1.5, 5.0);
        // interleaved rounds, each in every placement of the two threads (order alternating): where the peers run
        // decides a round trip on a VM more than TLS does, so clear and TLS are compared within a placement
        List<Placement> placements = Placement.arrangeableHere();
        List<JdkStreams.PingPong> rounds = new ArrayList<>();
        for (int round = 0; round < p.trials; round++) {
            ctx.progress("clear vs TLS 1.3 round trips, round " + (round + 1) + " of " + p.trials);
            for (Placement pl : Placement.order(placements, round)) {
                rounds.add(JdkStreams.pingPong(null, MESSAGE, n, n, secs / placements.size(), pl));
                rounds.add(JdkStreams.pingPong(key, MESSAGE, n, n, secs / placements.size(), pl));
            }
        }
        List<JdkStreams.PingPong> trips = new ArrayList<>();
        for (Placement pl : placements)
            for (String security : List.of("clear", "TLS 1.3")) trips.add(medianTrip(rounds, security, pl));
        o.table("streams", RecordTable.of("streams", JdkStreams.Stream.class, streams));
        o.table("round-trips", RecordTable.of("round-trips", JdkStreams.PingPong.class, rounds));
        Estimate clear = gbit(streams, "clear"), tls = gbit(streams, "TLS 1.3");
        double ratio = tls.median() / clear.median();
        String suite = streams.stream()
                .filter(s -> !s.cipherSuite().equals("none"))
                .findFirst()
                .map(JdkStreams.Stream::cipherSuite)
                .orElse("?");
        List<String> ev = new ArrayList<>(List.of(
                String.format(
                        "64 KiB stream, JDK sockets both ways: clear %s, TLS 1.3 (%s) %s Gbit/s — %.2f× clear",
                        clear.format("%.2f"), suite, tls.format("%.2f"), ratio),
                String.format(
                        "sender CPU per byte: clear %.3f ns, TLS %.3f ns (median of rounds)",
                        cpu(streams, "clear"), cpu(streams, "TLS 1.3")),
                String.format(
                        "%d-byte round trips, median over %d interleaved rounds of each round's p50, per placement of the client and echo threads: %s",
                        MESSAGE,
                        p.trials,
                        String.join(
                                "; ",
                                placements.stream()
                                        .map(pl -> {
                                            JdkStreams.PingPong c = medianTrip(rounds, "clear", pl),
                                                    t = medianTrip(rounds, "TLS 1.3", pl);
                                            return String.format(
                                                    "%s clear %.1f µs, TLS %.1f µs (p99 %.1f / %.1f)",
                                                    pl.describe(),
                                                    c.p50Micros(),
                                                    t.p50Micros(),
                                                    c.p99Micros(),
                                                    t.p99Micros());
                                        })
                                        .toList()))));
        String why = LoCapture.unavailable();
        Verdict v;
        String summary;
        if (why != null) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "SEC-1",
                    Lack.ROOT,
                    String.format(
                            "The claim's premise — that loopback traffic cannot be seen — is checked with a capture on lo, and "
                                    + "%s. Measured anyway: TLS 1.3 moves %.2f× the bytes of clear text on this host (table).",
                            why, ratio)));
            figures(o, clear, tls, trips);
            return o;
        }
        byte[] marker = ("loopback-lab-secret-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[4096];
        System.arraycopy(marker, 0, message, 1000, marker.length);
        List<Capture> caps = new ArrayList<>();
        for (ThrowawayKey k : new ThrowawayKey[] {null, key}) {
            AtomicInteger port = new AtomicInteger();
            ctx.progress("capture on lo while one message crosses " + (k == null ? "in clear" : "inside TLS"));
            LoCapture.Capture all = LoCapture.duringPort(
                    () -> PacketSocket.open("lo"), port::get, marker, () -> JdkStreams.sendOnce(k, message, port::set));
            var mine = all.segments().stream()
                    .filter(s -> s.srcPort() == port.get() || s.dstPort() == port.get())
                    .toList();
            caps.add(new Capture(
                    k == null ? "clear" : "TLS 1.3",
                    mine.size(),
                    mine.stream().anyMatch(LoCapture.Segment::markerFound),
                    all.dropped()));
        }
        o.table("capture", RecordTable.of("capture", Capture.class, caps));
        boolean clearSeen = caps.get(0).markerReadable(), tlsSeen = caps.get(1).markerReadable();
        ev.add(String.format(
                "AF_PACKET capture on lo (what tcpdump -i lo opens; needs only CAP_NET_RAW): the marker was %s in the clear connection's %d frames and %s in the TLS connection's %d frames",
                clearSeen ? "readable" : "not found",
                caps.get(0).framesOfConnection(),
                tlsSeen ? "readable" : "not found",
                caps.get(1).framesOfConnection()));
        ev.add(
                "frames of other loopback users were counted and dropped unread; only the workbench's own two connections were searched");
        ev.add(RULE.evidence());
        v = judge(clearSeen);
        summary = clearSeen
                ? String.format(
                        "You can skip TLS on loopback and keep %.1f× its throughput, but not because the data is private: a capture on lo read the clear-text marker (and not the TLS one). "
                                + "'Never leaves the host' still means every root process on it can read it.",
                        1 / ratio)
                : "A capture on lo could not read the clear-text marker here; skipping TLS saved the measured cost.";
        o.verdict(ctx.judged("SEC-1", v)
                .summary(summary)
                .measured(ratio, "TLS 1.3 throughput / clear")
                .evidence(ev)
                .build());
        figures(o, clear, tls, trips);
        return o;
    }

    /** The round of {@code security} in placement {@code pl} whose p50 is the median of all those rounds' p50s. */
    static JdkStreams.PingPong medianTrip(List<JdkStreams.PingPong> all, String security, Placement pl) {
        List<JdkStreams.PingPong> mine = all.stream()
                .filter(t -> t.security().equals(security) && t.placement().equals(pl.id()))
                .sorted(Comparator.comparingDouble(JdkStreams.PingPong::p50Micros))
                .toList();
        return mine.get(mine.size() / 2);
    }

    static Estimate gbit(List<JdkStreams.Stream> s, String security) {
        return Estimate.ofMedian(s.stream()
                .filter(x -> x.security().equals(security))
                .mapToDouble(JdkStreams.Stream::gbitPerSecond)
                .toArray());
    }

    static double cpu(List<JdkStreams.Stream> s, String security) {
        return Estimate.ofMedian(s.stream()
                        .filter(x -> x.security().equals(security))
                        .mapToDouble(JdkStreams.Stream::senderCpuNsPerByte)
                        .toArray())
                .median();
    }

    static void figures(Outcome o, Estimate clear, Estimate tls, List<JdkStreams.PingPong> trips) {
        CategoryChart c = Charts.bars("SEC-1: what TLS 1.3 costs on loopback", "", "Gbit/s (64 KiB writes, median)");
        c.addSeries("measured", List.of("clear", "TLS 1.3"), List.of(clear.median(), tls.median()))
                .setFillColor(Charts.MEASURED);
        o.figure(new Figure(
                "tls-throughput",
                List.of("SEC-1"),
                "Measured: the same verified stream over JDK sockets on 127.0.0.1, in clear and in TLS 1.3. "
                        + "The article: TLS can be avoided 'if you dare' — it puts no number on what is saved.",
                c));
        CategoryChart l = Charts.bars("SEC-1: 64-byte round trips", "", "µs");
        List<String> names = trips.stream()
                .map(t -> t.security() + ", " + Placement.parse(t.placement()).describe())
                .toList();
        l.addSeries(
                        "p50",
                        names,
                        trips.stream().map(JdkStreams.PingPong::p50Micros).toList())
                .setFillColor(Charts.MEASURED);
        l.addSeries(
                        "p99",
                        names,
                        trips.stream().map(JdkStreams.PingPong::p99Micros).toList())
                .setFillColor(Charts.SAMPLE);
        o.figure(new Figure(
                "tls-latency",
                List.of("SEC-1"),
                "Measured: closed-loop round trips, clear and TLS 1.3 (after the handshake), per placement of the client and echo threads (pinned to one vCPU, or two).",
                l));
    }
}

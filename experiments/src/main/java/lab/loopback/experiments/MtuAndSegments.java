package lab.loopback.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.LoCapture;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.netns.NetNamespace;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.sys.PacketSocket;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.TcpInfo;
import lab.loopback.tls.JdkStreams;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * SEC-3: "loopback sockets can skip MTU fragmentation logic", judged at lo's own configuration: does IP fragment
 * anything at lo's MTU (the largest IPv4 datagram, 65 507 B of UDP payload, sent once; Ip FragCreates/ReasmOKs of a
 * private namespace, or of the host's when namespaces are refused)? Kept apart from it: TCP's segmentation to the MSS
 * that lo's MTU gives (TCP_INFO, a capture of a 1 MiB transfer) — the transport sizing its segments, not IP cutting
 * packets — and, as a side experiment that is not the verdict's basis, the same logic firing when lo's MTU is lowered
 * to 1500.
 */
@Measures(
        name = "mtu-and-segments",
        claims = {"SEC-3"})
public final class MtuAndSegments implements Experiment {
    /** The side experiment's datagram at MTU 1500. */
    static final int DATAGRAM = 8000;
    /** The largest UDP payload one IPv4 packet carries: 65 535 − 20 (IP header) − 8 (UDP header). */
    static final int LARGEST_DATAGRAM = 65_507;
    /** The lowered MTU of the side experiment. */
    static final int LOWERED_MTU = 1500;

    public record Fact(String what, String value) {}

    /**
     * What SEC-3's rule reads: the largest datagram sent at lo's own MTU (bytes; -1 if not sent), the fragments IP
     * created for it, whether that count is the datagram's alone ({@code own}: a private namespace's counters; the
     * host's count everyone's traffic) and the bytes that arrived; beside it, not judged, the fragments at the lowered
     * MTU (-1 if not run).
     */
    record Facts(int mtu, long datagram, long fragments, boolean own, long received, long loweredFragments) {
        static Facts of(int mtu, List<UdpFragments.Result> udp) {
            var atOwn = udp.stream()
                    .filter(u -> u.mtu() == mtu)
                    .max(Comparator.comparingInt(UdpFragments.Result::datagramBytes));
            long lowered = udp.stream()
                    .filter(u -> u.mtu() < mtu)
                    .mapToLong(UdpFragments.Result::fragCreates)
                    .findFirst()
                    .orElse(-1);
            return atOwn.map(u -> new Facts(
                            mtu,
                            u.datagramBytes(),
                            u.fragCreates(),
                            u.fragmentsCaptured() >= 0,
                            u.receivedBytes(),
                            lowered))
                    .orElse(new Facts(mtu, -1, -1, false, -1, lowered));
        }

        boolean measured() {
            return datagram > 0;
        }
    }

    static final Rule<Facts> RULE = Rule.<Facts>forClaim("SEC-3")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.fact("no datagram could be sent at lo's own MTU", f -> !f.measured()))
            .when(
                    Verdict.REFUTED,
                    Condition.fact(
                            "IP fragmented the datagram at lo's own MTU, counted in a namespace it had to itself",
                            f -> f.fragments() > 0 && f.own()))
            .when(
                    Verdict.PARTLY_TRUE,
                    Condition.fact(
                            "IP created no fragment at lo's own MTU and the datagram arrived whole",
                            f -> f.fragments() == 0 && f.received() == f.datagram()))
            .because("nothing is fragmented at lo's default MTU, as claimed, but nothing is skipped either: every "
                    + "IPv4 packet fits an MTU of 65536, the same MTU check runs on lo as on any device, and it fragments "
                    + "when lo's MTU is lowered; fragments in the host's own counters may be other traffic's, so they "
                    + "decide nothing")
            .otherwise(Verdict.HOST_DEPENDENT);

    static Verdict judge(Facts f) {
        return RULE.judge(f);
    }

    /** TCP's advertised MSS on lo is lo's MTU less the IPv4 and TCP headers (40 B) and at most 40 B of options. */
    static boolean mssFromMtu(int mtu, long advMss) {
        return advMss > 0 && mtu - 40 - advMss >= 0 && mtu - 40 - advMss <= 40;
    }

    /** SEC-3 from the recorded facts (lo's MTU) and udp table (the datagrams at lo's own MTU and the lowered one). */
    static RecordedRule.Judgement fromTables(Recorded r) {
        int mtu = Integer.parseInt(fact(r, "lo MTU").strip());
        List<UdpFragments.Result> udp =
                r.view().tables().containsKey("udp") ? r.rows("udp", UdpFragments.Result.class) : List.of();
        Facts f = Facts.of(mtu, udp);
        return new RecordedRule.Judgement(
                judge(f),
                f.measured() ? (double) f.fragments() : null,
                String.format(
                        "lo MTU %d; a %d-byte datagram at it: %d fragments, %d B received; at a lowered MTU: %d fragments",
                        mtu, f.datagram(), f.fragments(), f.received(), f.loweredFragments()),
                unit(f));
    }

    private static String fact(Recorded r, String startsWith) {
        return r.first("facts", Fact.class, f -> f.what().startsWith(startsWith), "starting '" + startsWith + "'")
                .value();
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        List<Fact> facts = new ArrayList<>();
        int mtu = readInt(Path.of("/sys/class/net/lo/mtu"));
        facts.add(new Fact("lo MTU (/sys/class/net/lo/mtu)", Integer.toString(mtu)));
        TcpInfo info = tcpInfo();
        facts.add(new Fact(
                "TCP_INFO advmss / snd_mss / pmtu", info.advMss() + " / " + info.sndMss() + " / " + info.pmtu()));
        List<String> ev = new ArrayList<>();
        ev.add(String.format(
                "segmentation, not fragmentation: a 127.0.0.1 connection advertises MSS %d = MTU %d − 40 (IPv4 + TCP headers) − %d (options)%s, path MTU %d; TCP cuts its byte stream into segments of at most the MSS and sends them with DF set, so IP never has a TCP packet to fragment",
                info.advMss(),
                mtu,
                mtu - 40 - info.advMss(),
                mssFromMtu(mtu, info.advMss()) ? "" : " (not derived from the MTU here)",
                info.pmtu()));
        if (LoCapture.unavailable() == null) captureSegments(ctx, mtu, facts, ev);
        else ev.add("segment capture not run: " + LoCapture.unavailable());
        List<UdpFragments.Result> udp = datagrams(ctx, mtu, ev);
        if (!udp.isEmpty()) o.table("udp", RecordTable.of("udp", UdpFragments.Result.class, udp));
        o.table("facts", RecordTable.of("facts", Fact.class, facts));
        Facts f = Facts.of(mtu, udp);
        ev.add(RULE.evidence());
        Verdict v = judge(f);
        if (v == Verdict.NOT_TESTABLE_HERE) {
            o.verdict(KernelEvidence.notTestable(
                    ctx, "SEC-3", Lack.NO_DATA, "no datagram could be sent over lo: " + String.join("; ", ev)));
            return o;
        }
        o.verdict(ctx.judged("SEC-3", v)
                .summary(summary(v, f))
                .measured((double) f.fragments(), unit(f))
                .evidence(ev)
                .build());
        if (udp.size() > 1) o.figure(fragmentsFigure(udp, mtu));
        return o;
    }

    private static String unit(Facts f) {
        return "IP fragments at lo's own MTU for a " + f.datagram() + "-byte datagram";
    }

    private static String summary(Verdict v, Facts f) {
        String side = f.loweredFragments() > 0
                ? String.format(
                        " Lowered to MTU %d (a side experiment), lo fragments a %d-byte datagram into %d pieces: the logic is there, it only has nothing to cut at %d.",
                        LOWERED_MTU, DATAGRAM, f.loweredFragments(), f.mtu())
                : "";
        return switch (v) {
            case PARTLY_TRUE ->
                String.format(
                        "At lo's own MTU (%d) nothing is fragmented: the largest IPv4 datagram (%d B) crossed in one packet, 0 fragments. "
                                + "Not because the logic is skipped: no IPv4 packet is larger than the MTU, and TCP segments to the MSS the MTU gives.%s",
                        f.mtu(), f.datagram(), side);
            case REFUTED ->
                String.format(
                        "lo's MTU here is %d, and IP cut a %d-byte datagram into %d fragments at it: fragmentation happens on this host's loopback.",
                        f.mtu(), f.datagram(), f.fragments());
            default ->
                String.format(
                        "A %d-byte datagram at lo's MTU %d: %d fragments%s, %d of its bytes arrived; not judged.",
                        f.datagram(),
                        f.mtu(),
                        f.fragments(),
                        f.own() ? "" : " in the host's counters, which count every process's traffic",
                        f.received());
        };
    }

    private static TcpInfo tcpInfo() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket _ = l.accept()) {
            return c.tcpInfo();
        }
    }

    /** The sizes of the data segments of a 1 MiB transfer as captured on lo (a side view: segmentation, by TCP). */
    private static void captureSegments(RunContext ctx, int mtu, List<Fact> facts, List<String> ev) {
        AtomicInteger port = new AtomicInteger();
        ctx.progress("capture of a 1 MiB transfer's segment sizes on lo");
        byte[] msg = new byte[1 << 20];
        LoCapture.Capture cap = LoCapture.duringPort(
                () -> PacketSocket.open("lo"), port::get, null, () -> JdkStreams.sendOnce(null, msg, port::set));
        var data = cap.segments().stream()
                .filter(s -> (s.srcPort() == port.get() || s.dstPort() == port.get())
                        && !s.outgoing()
                        && s.payloadLength() > 0)
                .toList();
        int largest = data.stream().mapToInt(LoCapture.Segment::ipLength).max().orElse(0);
        long fragmented = data.stream().filter(LoCapture.Segment::fragment).count();
        facts.add(new Fact(
                "captured data segments / largest IP packet / IP fragments",
                data.size() + " / " + largest + " B / " + fragmented));
        ev.add(String.format(
                "captured: %d data segments of a 1 MiB transfer, the largest IP packet %d B (≤ MTU %d), %d IP fragments; %d frames dropped by the capture socket",
                data.size(), largest, mtu, fragmented, cap.dropped()));
    }

    /**
     * The largest datagram at lo's own MTU and, as a side experiment, a smaller one at a lowered MTU — both in a
     * private namespace; where namespaces are refused, the first alone on the host's lo, read from the host's counters.
     */
    private static List<UdpFragments.Result> datagrams(RunContext ctx, int mtu, List<String> ev) {
        List<UdpFragments.Result> udp = new ArrayList<>();
        String why = NetNamespace.unavailable();
        if (why == null) {
            try (NetNamespace ns = NetNamespace.create()) {
                ctx.progress("UDP datagrams of " + LARGEST_DATAGRAM + " B at lo's MTU " + mtu + " and " + DATAGRAM
                        + " B at " + LOWERED_MTU + " (private namespace)");
                udp.add(UdpFragments.send(ns, mtu, LARGEST_DATAGRAM));
                udp.add(UdpFragments.send(ns, LOWERED_MTU, DATAGRAM));
            }
        } else {
            ctx.progress("one UDP datagram of " + LARGEST_DATAGRAM + " B over the host's lo");
            udp.add(UdpFragments.sendOnHostLo(mtu, LARGEST_DATAGRAM));
            ev.add("the lowered-MTU side experiment not run: " + why
                    + "; the datagram at lo's own MTU went over the host's "
                    + "lo, its fragment counts are the host's (namespace-wide, an upper bound)");
        }
        for (UdpFragments.Result f : udp) {
            ev.add(String.format(
                    "UDP %d B over lo at MTU %d%s: %s fragments captured, Ip FragCreates +%d, ReasmOKs +%d, received %d B",
                    f.datagramBytes(),
                    f.mtu(),
                    f.mtu() == mtu ? " (lo's own)" : " (lowered: side experiment, not the verdict's basis)",
                    f.fragmentsCaptured() < 0 ? "no capture:" : Long.toString(f.fragmentsCaptured()),
                    f.fragCreates(),
                    f.reassembled(),
                    f.receivedBytes()));
        }
        return udp;
    }

    private static Figure fragmentsFigure(List<UdpFragments.Result> udp, int mtu) {
        CategoryChart c = Charts.bars("SEC-3: one UDP datagram over lo", "lo MTU", "IP fragments created");
        List<String> names = udp.stream()
                .map(f -> "MTU " + f.mtu() + (f.mtu() == mtu ? " (lo's own)" : " (lowered)") + ", " + f.datagramBytes()
                        + " B")
                .toList();
        c.addSeries(
                        "measured (Ip FragCreates)",
                        names,
                        udp.stream().map(f -> (double) f.fragCreates()).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries(
                        "article: fragmentation logic skipped (0)",
                        names,
                        names.stream().map(x -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        return new Figure(
                "fragments",
                List.of("SEC-3"),
                "Measured: fragments IP created for the largest IPv4 datagram at lo's own MTU (the verdict's basis) and, "
                        + "as a side experiment, for a smaller one with lo's MTU lowered to " + LOWERED_MTU
                        + ", in a private namespace. The article: loopback skips the fragmentation logic.",
                c);
    }

    static int readInt(Path p) {
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (Exception e) {
            return -1;
        }
    }
}

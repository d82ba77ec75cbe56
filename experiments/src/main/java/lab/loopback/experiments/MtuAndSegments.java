package lab.loopback.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.LoCapture;
import lab.loopback.ipc.TcpSocket;
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
import org.knowm.xchart.CategoryChart;

/**
 * SEC-3: "loopback sockets can skip MTU fragmentation logic". lo's MTU and the MSS TCP derives from it
 * (TCP_INFO), the sizes of the segments that actually cross lo (a capture), and, in a private namespace,
 * a UDP datagram larger than lo's MTU at the default MTU and at 1500.
 */
@Measures(
        name = "mtu-and-segments",
        claims = {"SEC-3"})
public final class MtuAndSegments implements Experiment {
    static final int DATAGRAM = 8000;

    public record Fact(String what, String value) {}

    /** What SEC-3's rule reads: whether lo's MTU shapes TCP (the MSS derives from it) and fragments datagrams. */
    record Facts(boolean mssFromMtu, boolean fragmentsSeen) {}

    static final Rule<Facts> RULE = Rule.<Facts>forClaim("SEC-3")
            .when(
                    Verdict.REFUTED,
                    Condition.<Facts>fact("TCP's MSS on lo is derived from lo's MTU", Facts::mssFromMtu)
                            .or(Condition.fact(
                                    "a datagram larger than the MTU is fragmented and reassembled on lo",
                                    Facts::fragmentsSeen)))
            .otherwise(Verdict.SUPPORTED);

    static Verdict judge(boolean mssFromMtu, boolean fragmentsSeen) {
        return RULE.judge(new Facts(mssFromMtu, fragmentsSeen));
    }

    /** TCP's advertised MSS on lo is lo's MTU less the IPv4 and TCP headers (40 B) and at most 40 B of options. */
    static boolean mssFromMtu(int mtu, long advMss) {
        return advMss > 0 && mtu - 40 - advMss >= 0 && mtu - 40 - advMss <= 40;
    }

    /** The second UDP test (an MTU below the datagram) fragmented the datagram and reassembled all of it. */
    static boolean fragmentsSeen(List<UdpFragments.Result> frags) {
        return frags.size() == 2
                && frags.get(1).fragCreates() > 0
                && frags.get(1).receivedBytes() == DATAGRAM;
    }

    /** SEC-3 from the recorded facts (lo's MTU, TCP_INFO's advmss) and udp tables. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        int mtu = Integer.parseInt(fact(r, "lo MTU").strip());
        long advMss = Long.parseLong(fact(r, "TCP_INFO advmss").split("/")[0].strip());
        List<UdpFragments.Result> frags =
                r.view().tables().containsKey("udp") ? r.rows("udp", UdpFragments.Result.class) : List.of();
        boolean fromMtu = mssFromMtu(mtu, advMss), fragments = fragmentsSeen(frags);
        return new RecordedRule.Judgement(
                judge(fromMtu, fragments),
                null,
                String.format(
                        "lo MTU %d, advertised MSS %d (from the MTU: %b); a datagram over a smaller MTU fragmented and reassembled: %b",
                        mtu, advMss, fromMtu, fragments));
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
        TcpInfo info;
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket _ = l.accept()) {
            info = c.tcpInfo();
        }
        facts.add(new Fact(
                "TCP_INFO advmss / snd_mss / pmtu", info.advMss() + " / " + info.sndMss() + " / " + info.pmtu()));
        List<String> ev = new ArrayList<>();
        ev.add(String.format(
                "lo MTU %d; a 127.0.0.1 connection's advertised MSS %d = MTU − 40 (IPv4 + TCP headers) − %d (options), path MTU %d: TCP sizes its segments from the MTU",
                mtu, info.advMss(), mtu - 40 - info.advMss(), info.pmtu()));
        boolean mssFromMtu = mssFromMtu(mtu, info.advMss());
        List<UdpFragments.Result> frags = new ArrayList<>();
        String why = NetNamespace.unavailable();
        if (why == null && LoCapture.unavailable() == null) {
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
            int largest =
                    data.stream().mapToInt(LoCapture.Segment::ipLength).max().orElse(0);
            long fragmented = data.stream().filter(LoCapture.Segment::fragment).count();
            facts.add(new Fact(
                    "captured data segments / largest IP packet / IP fragments",
                    data.size() + " / " + largest + " B / " + fragmented));
            ev.add(String.format(
                    "captured: %d data segments of a 1 MiB transfer, the largest IP packet %d B (≤ MTU %d), %d IP fragments; %d frames dropped by the capture socket",
                    data.size(), largest, mtu, fragmented, cap.dropped()));
            try (NetNamespace ns = NetNamespace.create()) {
                ctx.progress(
                        "a " + DATAGRAM + "-byte UDP datagram over lo at MTU " + mtu + " and 1500 (private namespace)");
                frags.add(UdpFragments.send(ns, mtu, DATAGRAM));
                frags.add(UdpFragments.send(ns, 1500, DATAGRAM));
            }
            o.table("udp", RecordTable.of("udp", UdpFragments.Result.class, frags));
            for (UdpFragments.Result f : frags) {
                ev.add(String.format(
                        "UDP %d B over lo at MTU %d (private namespace): %d fragments captured, Ip FragCreates +%d, ReasmOKs +%d, received %d B",
                        f.datagramBytes(),
                        f.mtu(),
                        f.fragmentsCaptured(),
                        f.fragCreates(),
                        f.reassembled(),
                        f.receivedBytes()));
            }
        } else {
            ev.add("segment capture and the UDP fragmentation test not run: "
                    + (why != null ? why : LoCapture.unavailable()));
        }
        o.table("facts", RecordTable.of("facts", Fact.class, facts));
        boolean fragmentsSeen = fragmentsSeen(frags);
        ev.add(RULE.evidence());
        Verdict v = judge(mssFromMtu, fragmentsSeen);
        o.verdict(ctx.judged("SEC-3", v)
                .summary(
                        v == Verdict.REFUTED
                                ? String.format(
                                        "Nothing is skipped: lo has an MTU (%d) and TCP sizes segments from it (MSS %d)%s. The logic rarely fires only because lo's MTU is large.",
                                        mtu,
                                        info.advMss(),
                                        fragmentsSeen
                                                ? String.format(
                                                        "; a %d-byte datagram at MTU 1500 was cut into %d fragments and reassembled",
                                                        DATAGRAM, frags.get(1).fragCreates())
                                                : "")
                                : "TCP's MSS on lo is not derived from its MTU here and no fragmentation was seen.")
                .measured((double) info.advMss(), "advertised MSS on lo (bytes)")
                .evidence(ev)
                .build());
        if (!frags.isEmpty()) {
            CategoryChart c = Charts.bars(
                    "SEC-3: one " + DATAGRAM + "-byte UDP datagram over lo", "lo MTU", "IP fragments created");
            List<String> names = frags.stream().map(f -> "MTU " + f.mtu()).toList();
            c.addSeries(
                            "measured (Ip FragCreates)",
                            names,
                            frags.stream().map(f -> (double) f.fragCreates()).toList())
                    .setFillColor(Charts.MEASURED);
            c.addSeries(
                            "article: fragmentation logic skipped (0)",
                            names,
                            names.stream().map(x -> 0.0).toList())
                    .setFillColor(Charts.CLAIM);
            o.figure(new Figure(
                    "fragments",
                    List.of("SEC-3"),
                    "Measured: fragments IP created for one datagram larger than the MTU, at lo's default MTU and at 1500, "
                            + "in a private namespace. The article: loopback skips the fragmentation logic.",
                    c));
        }
        return o;
    }

    static int readInt(Path p) {
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (Exception e) {
            return -1;
        }
    }
}

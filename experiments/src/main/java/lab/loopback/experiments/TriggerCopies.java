package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.kernel.ZerocopyProbe;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.Libc;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * TRIG-2: "on Linux 4.16+ this write() and read() are zero-copy socket buffer to socket buffer". The
 * article's exchange exactly (TRIG-1's calls, one thread, as in its C example), recorded by tracepoints:
 * what the kernel copied into the reader's buffer; and the same 11 bytes sent with MSG_ZEROCOPY, to hear
 * whether the kernel itself says it copied.
 */
@Measures(
        name = "c-example-copies",
        claims = {"TRIG-2"})
public final class TriggerCopies implements Experiment {
    static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");
    static final List<String> EVENTS =
            List.of("net/net_dev_xmit", "net/netif_receive_skb", "sock/sk_data_ready", "skb/skb_copy_datagram_iovec");

    /** True when {@code release} ("6.18.44-…") is at least major.minor. */
    static boolean atLeast(String release, int major, int minor) {
        Matcher m = VERSION.matcher(release == null ? "" : release);
        if (!m.find()) return false;
        int a = Integer.parseInt(m.group(1)), b = Integer.parseInt(m.group(2));
        return a > major || (a == major && b >= minor);
    }

    /** What TRIG-2's rule reads: whether "zero-copy!" arrived intact, and the read's copies per byte. */
    public record Exchange(boolean bytesIntact, double copiesPerByte) {}

    private static final String READ_COPIES = "the read's copies per byte (copy_to_user of the receiving thread)";
    static final Rule<Exchange> RULE = Rule.<Exchange>forClaim("TRIG-2")
            .when(Verdict.REFUTED, Condition.fact("the example's bytes arrived damaged", x -> !x.bytesIntact()))
            .when(
                    Verdict.REFUTED,
                    Condition.atLeast(READ_COPIES, Exchange::copiesPerByte, CopyCount.WHOLE, Shown.PLAIN))
            .when(
                    Verdict.SUPPORTED,
                    Condition.atMost(READ_COPIES, Exchange::copiesPerByte, CopyCount.NONE, Shown.PLAIN))
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judge(double copiesPerByte) {
        return judge(true, copiesPerByte);
    }

    /** One event of the exchange as recorded. */
    public record Event(String event, double microsFromFirst, String details) {}

    /** The copies rule, unless the example's bytes arrived damaged: then nothing about it works as claimed. */
    static Verdict judge(boolean bytesIntact, double copiesPerByte) {
        return RULE.judge(new Exchange(bytesIntact, copiesPerByte));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String release = ctx.host().kernelRelease();
        if (!atLeast(release, 4, 16)) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "TRIG-2",
                    Lack.KERNEL,
                    "The claim is about Linux 4.16 and later; this kernel is " + release + "."));
            return o;
        }
        Tracefs t = ctx.tracefs();
        if (!t.available()) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "TRIG-2",
                    Lack.TRACEFS,
                    "The copy into the reader's buffer is seen only through tracepoints: " + t.unavailable() + "."));
            return o;
        }
        List<String> present = EVENTS.stream().filter(t::hasEvent).toList();
        if (!present.contains("skb/skb_copy_datagram_iovec")) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "TRIG-2",
                    Lack.KERNEL,
                    "This kernel has no skb:skb_copy_datagram_iovec tracepoint ("
                            + t.root().resolve("events/skb") + ")."));
            return o;
        }
        ctx.progress("the C example's write/read under tracepoints");
        CExample.Exchange[] ex = new CExample.Exchange[1];
        long tid = Libc.gettid();
        TraceRecorder.Recording rec;
        try (TraceRecorder r = TraceRecorder.open(t, present, 1024)) {
            r.onlyTasks(List.of(tid));
            rec = r.record(() -> ex[0] = CExample.run());
        }
        int len = ex[0].sent().length;
        ReceiveCopies rc = ReceiveCopies.of(rec, List.of(tid), ex[0].received().length);
        ZerocopyProbe.Result zc = ZerocopyProbe.run(1, len, 2_000);
        double first = rec.events().isEmpty() ? 0 : rec.events().getFirst().seconds();
        List<Event> events = new ArrayList<>();
        for (var e : rec.events()) events.add(new Event(e.event(), (e.seconds() - first) * 1e6, e.details()));
        o.table("events", RecordTable.of("events", Event.class, events));
        double perByte = rc.perByte();
        Verdict v = RULE.judge(o.facts("TRIG-2", Exchange.class, new Exchange(ex[0].bytesIntact(), perByte)));
        String zcLine = zc.unavailable() != null
                ? "MSG_ZEROCOPY: " + zc.unavailable()
                : zc.complete()
                        ? String.format(
                                "the same %d bytes sent with MSG_ZEROCOPY: the kernel's completion notice says %s",
                                len,
                                zc.sendsReportedCopied() == 1
                                        ? "SO_EE_CODE_ZEROCOPY_COPIED — it copied"
                                        : "zero-copy — it did not copy")
                        : "the MSG_ZEROCOPY notice did not arrive within 2 s";
        o.verdict(ctx.judged("TRIG-2", v)
                .summary(String.format(
                        "On %s (≥ 4.16) the article's read() was served by %d copy from the socket buffer into the reader's buffer: %d of %d bytes copied (%.2f per byte)%s.",
                        release, rc.events(), rc.bytes(), len, perByte, v == Verdict.REFUTED ? " — not zero-copy" : ""))
                .measured(perByte, "copies/byte")
                .claimed(0.0)
                .evidence(List.of(
                        String.format(
                                "skb:skb_copy_datagram_iovec during the exchange: %d event(s), %d bytes (tracepoint, this thread only)",
                                rc.events(), rc.bytes()),
                        "the exchange: " + (ex[0].bytesIntact() ? "\"zero-copy!\" arrived intact" : "bytes DIFFER"),
                        zcLine,
                        "the write() side: a plain write copies into an skb in tcp_sendmsg (inferred; the MSG_ZEROCOPY notice is the kernel's own word)",
                        KernelEvidence.SOURCE_MSG_ZEROCOPY_LOOPBACK,
                        RULE.evidence()))
                .build());
        CategoryChart c = Charts.bars("TRIG-2: the article's write()/read() of \"zero-copy!\"", "", "bytes");
        List<String> names = List.of(
                "written by write()",
                "copied by the kernel into read()'s buffer",
                "copied by the kernel under MSG_ZEROCOPY");
        double zcBytes = zc.complete() ? zc.sendsReportedCopied() * (double) len : 0;
        c.addSeries("article: zero-copy", names, List.of(len, 0, 0)).setFillColor(Charts.CLAIM);
        c.addSeries("measured", names, List.of((double) len, (double) rc.bytes(), zcBytes))
                .setFillColor(Charts.MEASURED);
        o.figure(new Figure(
                "c-example-copies",
                List.of("TRIG-2"),
                "Measured: bytes skb:skb_copy_datagram_iovec reports copied during the article's exact exchange; kernel-reported: what the "
                        + "MSG_ZEROCOPY completion notice says for the same 11 bytes. The article's claim is that nothing is copied.",
                c));
        return o;
    }
}

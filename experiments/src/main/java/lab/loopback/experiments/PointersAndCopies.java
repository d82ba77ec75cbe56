package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.ZerocopyProbe;
import lab.loopback.measure.Bytes;
import lab.loopback.measurements.KernelEvidence;
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

/**
 * FIN-3 "You're not sending packets anymore. You're passing pointers inside the kernel." From the traced transfer
 * the copy experiments share: what moves by pointer (each data skb followed by address from lo's transmit to the
 * receive path), what is still a packet (segments through lo's xmit), and what is copied (the payload, into the
 * skb at send and out of it at receive).
 */
@Measures(
        name = "pointers-and-copies",
        claims = {"FIN-3"})
public final class PointersAndCopies implements Experiment {
    static final double FOLLOWED = 0.9, WHOLE = 0.99;

    /** One thing that moves, and how: by pointer, as a packet, or by copy. */
    public record Movement(String what, String how, double measured, String unit, String source) {}

    static final Rule<Facts> RULE = Rule.<Facts>forClaim("FIN-3")
            .when(
                    Verdict.REFUTED,
                    Condition.below(
                            "share of the sender's skbs followed to the receiver by pointer",
                            Facts::sameSkbShare,
                            FOLLOWED,
                            Shown.PERCENT))
            .when(
                    Verdict.SUPPORTED,
                    Condition.<Facts>below("segments lo transmitted", f -> f.segmentsOnLo(), 1, Shown.PLAIN)
                            .and(Condition.below(
                                    "the receiver's copies per byte", Facts::receiveCopies, WHOLE, Shown.PLAIN)))
            .because("skbs passed by pointer while packets and copies remain is pointer passing on the ordinary path")
            .otherwise(Verdict.PARTLY_TRUE);

    /** What FIN-3's rule reads. */
    record Facts(double sameSkbShare, long segmentsOnLo, double receiveCopies) {}

    static Verdict judge(double sameSkbShare, long segmentsOnLo, double receiveCopies) {
        return RULE.judge(new Facts(sameSkbShare, segmentsOnLo, receiveCopies));
    }

    /** What keeps the claim from being whole: packets through lo, payload copies — only those observed. */
    static List<String> remains(long segmentsOnLo, double receiveCopies) {
        List<String> out = new ArrayList<>();
        if (segmentsOnLo > 0) out.add(String.format("packets are still sent (%d lo transmits)", segmentsOnLo));
        if (receiveCopies >= WHOLE)
            out.add(String.format("the payload is copied (%.2f times per byte on receive)", receiveCopies));
        return out;
    }

    /** FIN-3 from the recorded movements table: same-skb share, lo transmissions, receive copies per byte. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Movement> m = r.rows("movements", Movement.class);
        if (m.size() != 4)
            throw new Recorded.MissingTableException(
                    "the run's table 'movements' of pointers-and-copies has " + m.size() + " rows, not 4");
        double same = m.get(0).measured(), copies = m.get(3).measured();
        long xmits = Math.round(m.get(1).measured());
        return new RecordedRule.Judgement(
                judge(same, xmits, copies),
                null,
                String.format(
                        "%.3f of data skbs arrived as the same skb; %d lo transmits; %.3f receive copies per byte",
                        same, xmits, copies));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        TracedStream.Result r = KernelEvidence.traced(ctx);
        if (!r.traced()) {
            o.verdict(KernelEvidence.notTestable(
                    ctx, "FIN-3", Lack.TRACEFS, "Following skbs and copies needs tracefs: " + r.traceUnavailable()));
            return o;
        }
        ZerocopyProbe.Result zc = KernelEvidence.zerocopy(ctx);
        PathCount p = PathCount.of(r.trace());
        ReceiveCopies rc =
                ReceiveCopies.of(r.trace(), r.receiverTids(), r.trial().bytesReceived());
        double same = p.dataSkbsSent() == 0 ? 0 : (double) p.sameSkbReceived() / p.dataSkbsSent();
        double sendCopied = zc.complete() ? (double) zc.sendsReportedCopied() / zc.sends() : Double.NaN;
        List<Movement> moves = List.of(
                new Movement(
                        "data skb, lo transmit → receive path",
                        "by pointer",
                        same,
                        "share arriving as the same skb (address)",
                        "net:net_dev_xmit → net:netif_receive_skb, followed by skbaddr"),
                new Movement(
                        "segments through lo",
                        "as packets",
                        p.xmitOnLo(),
                        "lo transmits (all segments, ACKs included)",
                        "net:net_dev_xmit on dev=lo"),
                new Movement(
                        "payload, user → skb (send)",
                        "by copy",
                        sendCopied,
                        "share of MSG_ZEROCOPY sends the kernel reported COPIED",
                        "SO_EE_CODE_ZEROCOPY_COPIED notices"),
                new Movement(
                        "payload, skb → user (receive)",
                        "by copy",
                        rc.perByte(),
                        "copies per payload byte",
                        "skb:skb_copy_datagram_iovec"));
        o.table("movements", RecordTable.of("movements", Movement.class, moves));
        List<String> ev = new ArrayList<>();
        ev.add(String.format(
                "by pointer: %d of %d data skbs that lo transmitted reached netif_receive_skb as the same skb — the sk_buff is handed on, not copied",
                p.sameSkbReceived(), p.dataSkbsSent()));
        ev.add(KernelEvidence.receiveQueue(r));
        ev.add(String.format(
                "still packets: lo's transmit ran %d times for %s (segments of up to %d B, each through IP output, lo's xmit and the backlog softirq)",
                p.xmitOnLo(),
                Bytes.human(r.trial().bytesReceived()),
                p.xmitLengths().stream().mapToLong(Long::longValue).max().orElse(0)));
        ev.add(String.format(
                "by copy: %.2f receive copies per payload byte (skb_copy_datagram_iovec)%s",
                rc.perByte(),
                Double.isNaN(sendCopied)
                        ? "; send side not observed: "
                                + (zc.unavailable() != null ? zc.unavailable() : "notices incomplete")
                        : String.format(
                                "; on send, %.0f%% of MSG_ZEROCOPY sends were reported COPIED by the kernel",
                                sendCopied * 100)));
        ev.add(RULE.evidence());
        Verdict v = judge(same, p.xmitOnLo(), rc.perByte());
        String summary = switch (v) {
            case SUPPORTED ->
                "The skb moved by pointer and nothing else was observed: no packets through lo, no payload copies.";
            case REFUTED ->
                String.format(
                        "Only %.0f%% of the data skbs could be followed from lo's transmit to the receive path as the same skb; the trace does not show pointer passing.",
                        same * 100);
            default ->
                String.format(
                        "Half right: the sk_buff is passed by pointer from lo's transmit to the receiver (%d of %d followed), but %s.",
                        p.sameSkbReceived(),
                        p.dataSkbsSent(),
                        String.join(" and ", remains(p.xmitOnLo(), rc.perByte())));
        };
        o.verdict(ctx.judged("FIN-3", v)
                .summary(summary)
                .measured(rc.perByte(), "payload copies per byte on receive")
                .claimed(0.0)
                .evidence(ev)
                .build());
        return o;
    }
}

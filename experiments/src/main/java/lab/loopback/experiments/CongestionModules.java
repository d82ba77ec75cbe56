package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.TracedStream;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measurements.Conditions;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Rule;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;

/**
 * FAIL-4: "it degrades to the regular copy path if you add congestion control modules (bbr, cubic)". Each
 * algorithm this host already offers, set per socket with TCP_CONGESTION and read back (no module is loaded
 * and the host default is untouched); the host default is the baseline.
 */
@Measures(
        name = "congestion-modules",
        claims = {"FAIL-4"})
public final class CongestionModules implements Experiment {
    static final int WRITE = 64 * 1024;

    public record Algorithm(String algorithm, boolean hostDefault, String readBack) {}

    static final Rule<List<Conditions.Summary>> RULE = Conditions.degradeRule("FAIL-4", true);

    /** FAIL-4 from the recorded trials (and the summary's copies); the default module is itself a condition. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Conditions.Summary> rows = Conditions.fromTables(r);
        return new RecordedRule.Judgement(RULE.judge(rows), null, Conditions.describe(rows));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String def = ctx.host().defaultCongestionControl();
        List<String> usable =
                new ArrayList<>(FastPathConditions.usable(ctx.host().root()));
        if (def != null && usable.remove(def)) usable.addFirst(def);
        if (usable.size() < 2) {
            o.verdict(
                    KernelEvidence.notTestable(
                            ctx,
                            "FAIL-4",
                            Lack.HOST_POLICY,
                            "Only " + usable
                                    + " can be set on a socket here: comparing algorithms would mean loading a module "
                                    + "or changing tcp_allowed_congestion_control, which the workbench never does. Available: /proc/sys/net/ipv4/tcp_available_congestion_control."));
            return o;
        }
        Profile p = ctx.profile();
        List<Conditions.Trial> trials = new ArrayList<>();
        String[] readBack = new String[usable.size()];
        String placement;
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 600)
                .placement(Placement.SAME_CPU)) {
            trials.addAll(Conditions.inRounds(
                    ctx,
                    "congestion control per socket",
                    usable,
                    Conditions.undecidedAgainst(Conditions.againstFirst(usable)),
                    (i, round) -> runner.trial(
                            WRITE,
                            p.trialSeconds,
                            p.trialMaxBytes,
                            round < 0 ? "warmup" : "timed",
                            round,
                            c -> readBack[i] = set((TcpSocket) c, usable.get(i)),
                            c -> {})));
            placement = runner.placement();
        }
        List<Double> copies = new ArrayList<>();
        List<String> details = new ArrayList<>();
        List<Algorithm> algs = new ArrayList<>();
        for (int i = 0; i < usable.size(); i++) {
            String cc = usable.get(i);
            ctx.progress("traced transfer with " + cc);
            TracedStream.Result r =
                    TracedStream.run(ctx.tracefs(), ctx.receiverPort(), WRITE, p.tracedBytes, 60, s -> set(s, cc));
            copies.add(Conditions.copies(r));
            var info = r.sender();
            details.add(String.format(
                    "%s; TCP_INFO at the end of the traced transfer: cwnd %d segments, rtt %d µs, delivery rate %.1f Gbit/s",
                    cc.equals(def) ? "the host's default" : "set per socket",
                    info.sndCwnd(),
                    info.rttMicros(),
                    info.deliveryRate() * 8 / 1e9));
            algs.add(new Algorithm(cc, cc.equals(def), readBack[i]));
        }
        List<Conditions.Summary> rows = Conditions.summarize(trials, usable, copies, details);
        o.table("trials", RecordTable.of("trials", Conditions.Trial.class, trials));
        o.table("algorithms", RecordTable.of("algorithms", Algorithm.class, algs));
        Conditions.figures(
                o, "FAIL-4", "congestion control per socket", "TCP_CONGESTION (first: the host default)", rows);
        // every algorithm here is a "module" of the claim, the default too
        Verdict v = RULE.judge(rows);
        boolean differ = rows.stream()
                .anyMatch(r -> r.againstBaseline() == Conditions.Against.LOWER
                        || r.againstBaseline() == Conditions.Against.HIGHER);
        List<String> ev = Conditions.evidence(rows, trials, placement);
        ev.add(
                "host default: " + def
                        + "; every algorithm here was already loaded (tcp_available_congestion_control), each read back with getsockopt(TCP_CONGESTION)");
        ev.add("cubic is the Linux default since 2.6.19: 'adding' it is what every host already runs");
        ev.add(RULE.evidence());
        Conditions.Summary
                slow =
                        rows.stream()
                                .min(Comparator.comparingDouble(Conditions.Summary::gbitPerSecond))
                                .orElseThrow(),
                fast =
                        rows.stream()
                                .max(Comparator.comparingDouble(Conditions.Summary::gbitPerSecond))
                                .orElseThrow();
        String sentence = v == Verdict.PARTLY_TRUE
                        && differ
                        && !Double.isNaN(rows.getFirst().receiveCopiesPerByte())
                ? String.format(
                        "The algorithm matters for throughput on lo (%s %.1f vs %s %.1f Gbit/s) but no algorithm changes the path: %s.",
                        slow.condition(),
                        slow.gbitPerSecond(),
                        fast.condition(),
                        fast.gbitPerSecond(),
                        String.format(
                                "the receiver copies %.2f of every byte under each",
                                rows.getFirst().receiveCopiesPerByte()))
                : Conditions.summary(v, rows, "Switching the congestion-control algorithm");
        ev.add(
                "here the default is one of the 'modules' too: an algorithm faster than it beyond noise counts as the default being slower");
        o.verdict(ctx.judged("FAIL-4", v)
                .summary(sentence)
                .measured(
                        rows.stream()
                                .mapToDouble(Conditions.Summary::ratioToBaseline)
                                .min()
                                .orElse(1),
                        "lowest throughput / default's")
                .evidence(ev)
                .build());
        return o;
    }

    static String set(TcpSocket s, String cc) {
        s.setCongestion(cc);
        String back = s.congestion();
        if (!back.equals(cc))
            throw new IllegalStateException("TCP_CONGESTION " + cc + " did not take: the socket reports " + back);
        return back;
    }
}

package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.TracedStream;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measurements.Conditions;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.Nft;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Rule;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;

/**
 * FAIL-1: "it degrades to the regular copy path if you use iptables rules on lo". In a private namespace, N
 * nftables rules that every packet arriving on lo is tested against (and matches none of), then a counter
 * proving the traffic went through them; N from {@link #ruleCounts} (LAB_NFT_RULES, default 0,10,100,1000).
 * Rounds interleave the counts, reloading the rule set each time; the copy evidence is one traced transfer per count.
 */
@Measures(
        name = "netfilter-rules",
        claims = {"FAIL-1"})
public final class NetfilterRules implements Experiment {
    static final int WRITE = 64 * 1024;
    static final List<Integer> DEFAULT_COUNTS = List.of(0, 10, 100, 1000);

    static final Rule<List<Conditions.Summary>> RULE = Conditions.degradeRule("FAIL-1", false);

    /** The rule counts to test: LAB_NFT_RULES ("0,10,100,1000") if set, else the default; 0 is always first. */
    public static List<Integer> ruleCounts(String env) {
        if (env == null || env.isBlank()) return DEFAULT_COUNTS;
        List<Integer> out = new ArrayList<>(List.of(0));
        for (String s : env.split(",")) {
            int n;
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("LAB_NFT_RULES: '" + s.trim()
                        + "' is not a rule count; allowed: comma-separated integers 0.." + Nft.MAX_RULES);
            }
            if (n < 0 || n > Nft.MAX_RULES)
                throw new IllegalArgumentException("LAB_NFT_RULES: " + n + " is outside 0.." + Nft.MAX_RULES);
            if (!out.contains(n)) out.add(n);
        }
        return out;
    }

    /** FAIL-1 from the recorded trials (and the summary's copies): today's paired-round comparison. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Conditions.Summary> rows = Conditions.fromTables(r);
        return new RecordedRule.Judgement(RULE.judge(rows), null, Conditions.describe(rows));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String why = Nft.unavailable();
        if (why != null) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "FAIL-1",
                    Lack.NFTABLES,
                    "Rules are installed only inside a private network namespace: " + why + "."));
            return o;
        }
        List<Integer> counts = ruleCounts(System.getenv("LAB_NFT_RULES"));
        List<String> names = counts.stream().map(n -> n + " rules").toList();
        Profile p = ctx.profile();
        List<Conditions.Trial> trials = new ArrayList<>();
        List<Double> copies = new ArrayList<>();
        List<String> details = new ArrayList<>();
        String placement;
        try (NetNamespace ns = NetNamespace.create()) {
            TracedStream.Route route = NamespaceRoutes.lo(ns);
            try (StreamRunner runner = StreamRunner.start(
                            route.transport(), route.bindSpec(), 600, route.receiverPrefix())
                    .placement(Placement.SAME_CPU)) {
                trials.addAll(Conditions.inRounds(
                        ctx,
                        "netfilter rules on lo",
                        names,
                        Conditions.undecidedAgainst(Conditions.againstFirst(names)),
                        (i, round) -> {
                            Nft.apply(ns, "flush ruleset\n" + Nft.loRules(counts.get(i)));
                            return runner.trial(
                                    WRITE, p.trialSeconds, p.trialMaxBytes, round < 0 ? "warmup" : "timed", round);
                        }));
                placement = runner.placement();
            }
            for (int i = 0; i < counts.size(); i++) {
                ctx.progress("traced transfer through " + names.get(i));
                Nft.apply(ns, "flush ruleset\n" + Nft.loRules(counts.get(i)));
                TracedStream.Result r = TracedStream.run(ctx.tracefs(), route, WRITE, p.tracedBytes, 60, s -> {});
                String listing = Nft.list(ns);
                copies.add(Conditions.copies(r));
                // the rule set was loaded just before this traced run, so the counter covers its warm-up, untraced and
                // traced transfers
                details.add(String.format(
                        "%d rules in the chain; its final counter passed %d packets over this count's warm-up, untraced and traced transfers",
                        Nft.ruleCount(listing) - 1, Nft.lastCounterPackets(listing)));
            }
        }
        List<Conditions.Summary> rows = Conditions.summarize(trials, names, copies, details);
        o.table("trials", RecordTable.of("trials", Conditions.Trial.class, trials));
        Conditions.figures(
                o, "FAIL-1", "netfilter rules on lo", "rules every lo packet traverses (private namespace)", rows);
        Verdict v = RULE.judge(rows);
        List<String> ev = Conditions.evidence(rows, trials, placement);
        ev.add(
                "the rules: an nftables input chain with 'iifname \"lo\" ip saddr 192.x.y.z ip daddr 192.0.2.1 drop' × N (never matching), then 'iifname \"lo\" counter'; "
                        + "nft, not iptables: iptables on current Debian is iptables-nft and builds the same kind of chain");
        ev.add(RULE.evidence());
        o.verdict(ctx.judged("FAIL-1", v)
                .summary(Conditions.summary(v, rows, "Up to " + counts.getLast() + " netfilter rules on lo"))
                .measured(rows.getLast().ratioToBaseline(), "throughput with the most rules / without rules")
                .evidence(ev)
                .build());
        return o;
    }
}

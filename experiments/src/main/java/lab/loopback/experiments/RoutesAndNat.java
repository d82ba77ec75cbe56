package lab.loopback.experiments;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.TracedStream;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.Nft;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.Command;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.RunContext;

/**
 * SEC-4: "loopback sockets can skip route tables, NAT, IP rules". The route the kernel picks for 127.0.0.1
 * (ip route get), the fib lookups of the shared traced transfer, the policy rules of the host (ip rule list), and in a
 * private namespace an nftables NAT rule that redirects connections for one loopback port to another. The three parts
 * are reported apart: with only the three default policy rules the kernel does not walk them for any destination
 * (fib_has_custom_rules is false, and fib_lookup goes straight to the main table with the local table merged into it),
 * so "skips IP rules" is then true of all traffic, not a loopback privilege.
 */
@Measures(
        name = "routes-and-nat",
        claims = {"SEC-4"})
public final class RoutesAndNat implements Experiment {
    public record Observation(String what, String result) {}

    static Verdict judge(boolean routedThroughATable, long lookups, boolean natRewrote) {
        return RULE.judge(new Seen(routedThroughATable, lookups, natRewrote));
    }

    /**
     * What SEC-4's rule reads; {@code lookups} negative when not traced. The policy rules are reported beside it, not
     * judged: whether the kernel walks them does not depend on the destination being loopback.
     */
    public record Seen(boolean routed, long lookups, boolean natRewrote) {}

    /** The policy rules every host starts with: priority 0 → local, 32766 → main, 32767 → default. */
    static final List<String> DEFAULT_RULES =
            List.of("0: from all lookup local", "32766: from all lookup main", "32767: from all lookup default");

    /** How many rules of {@code ip rule list}'s output are not one of the three defaults. */
    static int customRules(String ipRuleList) {
        return (int) ipRuleList
                .lines()
                .map(l -> l.strip().replaceAll("\\s+", " "))
                .filter(l -> !l.isEmpty() && !DEFAULT_RULES.contains(l))
                .count();
    }

    static final Rule<Seen> RULE = Rule.<Seen>forClaim("SEC-4")
            .when(
                    Verdict.REFUTED,
                    Condition.<Seen>fact(
                                    "127.0.0.1 resolves to a route of type local in the FIB (ip route get)",
                                    Seen::routed)
                            .or(Condition.above("traced fib_table_lookup events", s -> s.lookups(), 0, Shown.PLAIN))
                            .or(Condition.fact("a NAT rule rewrites a loopback connection", Seen::natRewrote)))
            .otherwise(Verdict.SUPPORTED);

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        List<Observation> obs = new ArrayList<>();
        boolean routed = false;
        int custom = -1;
        if (Command.which("ip") != null) {
            Command route = Command.run(5_000, "ip", "route", "get", "127.0.0.1");
            Command rules = Command.run(5_000, "ip", "rule", "list");
            obs.add(new Observation(
                    "ip route get 127.0.0.1", route.stdout().strip().replaceAll("\\s+", " ")));
            obs.add(new Observation(
                    "ip rule list (policy rules consulted first)",
                    rules.stdout().strip().replaceAll("\\s*\\n\\s*", " | ")));
            if (rules.ok()) custom = customRules(rules.stdout());
            routed = route.ok()
                    && (route.stdout().contains("table local")
                            || route.stdout().strip().startsWith("local "));
        }
        TracedStream.Result r = KernelEvidence.traced(ctx);
        long lookups = r.traced() && !r.missingEvents().contains("fib/fib_table_lookup")
                ? r.trace().of("fib_table_lookup").size()
                : -1;
        obs.add(new Observation(
                "fib:fib_table_lookup events of the traced transfer",
                lookups < 0 ? "not traced" : Long.toString(lookups)));
        String nat = null;
        String why = Nft.unavailable();
        if (why == null) {
            ctx.progress("NAT redirect of a loopback connection (private namespace)");
            nat = redirect(obs);
        } else {
            obs.add(new Observation("NAT redirect on lo", "not tested: " + why));
        }
        o.table("observations", RecordTable.of("observations", Observation.class, obs));
        List<String> ev = new ArrayList<>();
        for (Observation x : obs) ev.add(x.what() + ": " + x.result());
        ev.add(policyRules(custom, lookups < 0 ? List.of() : tables(r)));
        ev.add(RULE.evidence());
        boolean natWorked = nat != null && nat.startsWith("redirected");
        Verdict v = RULE.judge(o.facts("SEC-4", Seen.class, new Seen(routed, lookups, natWorked)));
        o.verdict(ctx.judged("SEC-4", v)
                .summary(
                        v == Verdict.REFUTED
                                ? "Route tables and NAT are not skipped: 127.0.0.1 is a route of type local that a FIB lookup finds"
                                        + (lookups > 0 ? " (" + lookups + " lookups in one traced transfer)" : "")
                                        + (natWorked
                                                ? ", and a NAT rule on lo redirected a loopback connection to another port. "
                                                : ". ")
                                        + (custom == 0
                                                ? "IP rules: this host has only the three default rules, which the kernel does not walk at all — for any destination, not for loopback alone."
                                                : custom > 0
                                                        ? "IP rules: this host has " + custom
                                                                + " custom rule(s), walked for loopback as for any destination."
                                                        : "")
                                : "No route lookup, route or NAT effect was observed for loopback here.")
                .measured(lookups < 0 ? null : (double) lookups, "fib_table_lookup events in one traced transfer")
                .claimed(0.0)
                .evidence(ev)
                .build());
        return o;
    }

    /** The routing tables the traced lookups name ("table 254 oif …"), each once. */
    static List<String> tables(TracedStream.Result r) {
        return tablesNamed(r.trace().of("fib_table_lookup").stream()
                .map(TraceEvent::details)
                .toList());
    }

    static List<String> tablesNamed(List<String> lookups) {
        return lookups.stream()
                .map(d -> d.replaceAll("^.*?\\btable (\\d+)\\b.*$", "$1"))
                .filter(t -> t.matches("\\d+"))
                .distinct()
                .toList();
    }

    private static String policyRules(int custom, List<String> traced) {
        if (custom < 0) return "policy rules: not read (ip rule list failed or iproute2 is missing)";
        String seen = traced.isEmpty()
                ? "no traced lookup to show which table was searched"
                : "the traced lookups name table(s) " + String.join(", ", traced) + " (254 is main)";
        if (custom == 0)
            return "policy rules: only the three defaults (local, main, default) — so, inferred from ip rule list (the "
                    + "kernel's own flag is not readable), fib_has_custom_rules is false and fib_lookup does not walk the "
                    + "rules: it looks in the main table, into which the kernel merged the local table (include/net/ip_fib.h; "
                    + "'ipv4: FIB Local/MAIN table collapse', Linux 4.1); " + seen;
        return "policy rules: " + custom
                + " beyond the defaults, so fib_lookup walks them (fib_rules_lookup) for every "
                + "destination, 127.0.0.1 included; " + seen;
    }

    /** Inside a private namespace: a listener on port B, a NAT rule sending port A to B, a connect to A. */
    @SuppressWarnings("try") // 'spare' is closed early on purpose: its port must be free before the rule redirects it
    static String redirect(List<Observation> obs) {
        try (NetNamespace ns = NetNamespace.create()) {
            return ns.call(() -> {
                try (TcpSocket target = TcpSocket.listen(SockAddrIn.loopback(0), 4);
                        TcpSocket spare = TcpSocket.listen(SockAddrIn.loopback(0), 1)) {
                    int to = target.localAddress().port(),
                            from = spare.localAddress().port();
                    spare.close(); // nothing listens on 'from' now
                    String before = attempt(from);
                    obs.add(new Observation("connect 127.0.0.1:" + from + " without the rule", before));
                    Nft.apply(ns, Nft.redirect(from, to));
                    String after;
                    try (TcpSocket c = TcpSocket.connect(SockAddrIn.loopback(from));
                            TcpSocket a = target.accept();
                            Arena arena = Arena.ofConfined()) {
                        var buf = arena.allocateFrom("nat");
                        c.writeFully(buf, 3);
                        var in = arena.allocate(3);
                        long n = a.read(in, 3);
                        after = n == 3 && in.get(JAVA_BYTE, 0) == 'n'
                                ? "redirected: accepted by the listener on port " + to + " (peer " + a.peerAddress()
                                        + "), bytes intact"
                                : "accepted but bytes differ";
                    }
                    obs.add(new Observation(
                            "connect 127.0.0.1:" + from + " with 'oifname lo tcp dport " + from + " redirect to :" + to
                                    + "'",
                            after));
                    obs.add(new Observation("NAT rule counter", Nft.lastCounterPackets(Nft.list(ns)) + " packets"));
                    return after;
                }
            });
        }
    }

    static String attempt(int port) {
        try (TcpSocket _ = TcpSocket.connect(SockAddrIn.loopback(port))) {
            return "connected";
        } catch (ErrnoException e) {
            return "refused (" + Errno.name(e.errno()) + ")";
        }
    }
}

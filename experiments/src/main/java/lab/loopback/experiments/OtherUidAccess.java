package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.access.AccessCheck;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * SEC-2: "loopback sockets can rely on Unix domain security". A process thread running as nobody tries a
 * 127.0.0.1 listener, an AF_UNIX socket in a 0700 directory and one that is world-writable; the listener
 * reads SO_PEERCRED for whatever connected.
 */
@Measures(
        name = "other-uid-access",
        claims = {"SEC-2"})
public final class OtherUidAccess implements Experiment {

    /** REFUTED when another uid reaches the TCP listener while the 0700 directory keeps it from the AF_UNIX one. */
    static Verdict judge(AccessCheck.Result r) {
        return judge(r.of(TCP));
    }

    static Verdict judge(AccessCheck.Attempt tcp) {
        return RULE.judge(tcp);
    }

    static final Rule<AccessCheck.Attempt> RULE = Rule.<AccessCheck.Attempt>forClaim("SEC-2")
            .when(
                    Verdict.REFUTED,
                    Condition.fact(
                            "a process of another uid connects to the TCP listener on 127.0.0.1",
                            AccessCheck.Attempt::connected))
            .because("nothing of Unix-domain security (file modes, SO_PEERCRED checks) applies to a TCP listener")
            .otherwise(Verdict.SUPPORTED);

    private static final String TCP = "TCP 127.0.0.1";

    /** SEC-2 from the recorded attempts table. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        AccessCheck.Attempt tcp =
                r.first("attempts", AccessCheck.Attempt.class, a -> a.listener().equals(TCP), "for " + TCP);
        return new RecordedRule.Judgement(
                judge(tcp),
                null,
                "another uid " + (tcp.connected() ? "connected" : "could not connect") + " to " + TCP);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        String why = AccessCheck.unavailable();
        if (why != null) {
            o.verdict(KernelEvidence.notTestable(ctx, "SEC-2", Lack.ROOT, "Connecting as another uid: " + why + "."));
            return o;
        }
        ctx.progress("connecting as uid " + AccessCheck.NOBODY + " (nobody)");
        AccessCheck.Result r = AccessCheck.run(AccessCheck.NOBODY, AccessCheck.NOBODY);
        o.table("attempts", RecordTable.of("attempts", AccessCheck.Attempt.class, r.attempts()));
        Verdict v = judge(r);
        List<String> ev = new ArrayList<>();
        ev.add("the prober's thread after the drop: " + r.proberCredentials());
        for (AccessCheck.Attempt a : r.attempts()) {
            ev.add(String.format(
                    "%s (%s): %s%s",
                    a.listener(),
                    a.protection(),
                    a.connected() ? "connected" : "refused with " + a.error(),
                    a.accepted()
                            ? (a.peerKnown()
                                    ? String.format("; SO_PEERCRED: uid %d, pid %d", a.peerUid(), a.peerPid())
                                    : "; SO_PEERCRED: no identity (uid -1, pid 0)")
                            : ""));
        }
        ev.add(
                "a TCP listener can still learn a local peer's uid indirectly (the owner of the matching socket in /proc/net/tcp or sock_diag) — the kernel's TCP itself carries none");
        ev.add(RULE.evidence());
        var tcp = r.of("TCP 127.0.0.1");
        var closed = r.of("AF_UNIX in a 0700 directory");
        o.verdict(ctx.judged("SEC-2", v)
                .summary(
                        v == Verdict.REFUTED
                                ? String.format(
                                        "A loopback TCP socket has no Unix-domain security: uid %d connected to 127.0.0.1 and %s%s. "
                                                + "Only an AF_UNIX socket has file permissions and SO_PEERCRED.",
                                        AccessCheck.NOBODY,
                                        tcp.peerKnown()
                                                ? "SO_PEERCRED reported uid " + tcp.peerUid()
                                                : "the listener learned nothing of who it was (SO_PEERCRED uid -1)",
                                        closed.connected()
                                                ? ""
                                                : ", while the 0700 directory kept it from the AF_UNIX socket ("
                                                        + closed.error() + ")")
                                : "The other uid could not connect to the TCP loopback listener here (" + tcp.error()
                                        + ").")
                .measured(tcp.connected() ? 1.0 : 0.0, "another uid's TCP loopback connection accepted (1) or not (0)")
                .claimed(0.0)
                .evidence(ev)
                .build());
        CategoryChart c = Charts.bars(
                "SEC-2: uid " + AccessCheck.NOBODY + " against three listeners", "", "connected (1) / refused (0)");
        List<String> names =
                r.attempts().stream().map(AccessCheck.Attempt::listener).toList();
        c.addSeries(
                        "measured",
                        names,
                        r.attempts().stream()
                                .map(a -> a.connected() ? 1.0 : 0.0)
                                .toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries(
                        "article: 'Unix domain security' (refused)",
                        names,
                        names.stream().map(x -> 0.0).toList())
                .setFillColor(Charts.CLAIM);
        o.figure(new Figure(
                "access",
                List.of("SEC-2"),
                "Measured: whether a thread running as nobody could connect. "
                        + "The article implies loopback sockets enjoy Unix-domain (file-permission) protection, i.e. a refusal.",
                c));
        return o;
    }
}

package lab.loopback.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.PathCount;
import lab.loopback.evidence.ReceiveCopies;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.KernelSymbols;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.PathCondition;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.Command;
import lab.loopback.sys.ProcFiles;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * FAST-3: "the fast path needs no IPsec, no netfilter, no QoS, no congestion-control tricks". The same traced transfer
 * under each condition; if the path evidence (device and IP events per segment, copies per byte) does not move, nothing
 * switched paths. Per socket, in the host's namespace: every congestion-control algorithm already loaded (TCP_CONGESTION).
 * On the lo of a private namespace each ({@link PathCondition}): qdiscs fq, netem and a tbf shaper, an IPsec ESP SA on
 * 127.0.0.1, a VRF device — whichever this kernel has; what it lacks is listed with the kernel's reason. What is on the
 * host's lo now (qdisc, nftables tables, xfrm policies) is recorded, not changed; netfilter rule counts and veth between
 * namespaces are the controlled experiments of notebook 11 (FAIL-1, FAIL-3).
 */
@Measures(
        name = "fast-path-conditions",
        claims = {"FAST-3"})
public final class FastPathConditions implements Experiment {
    static final double SAME_EVENTS = 0.1, SAME_COPIES = 0.01;
    static final long BYTES = 16L << 20;

    /** The path evidence under one condition. */
    public record Setting(
            String condition,
            double gbitPerSecond,
            double devicePerSegment,
            double ipPerSegment,
            double copiesPerByte,
            long segments) {}

    /** Something present on this host's loopback path right now. */
    public record HostState(String feature, String state) {}

    /** A condition that could not be set up here, and why (the tool's and the kernel configuration's words). */
    public record NotRun(String condition, String reason) {}

    /** What FAST-3's rule reads: the loopback-TCP symbols of the kernel and the path evidence per condition. */
    record Facts(int loopbackTcpSymbols, List<Setting> rows) {
        List<Moved> moves() {
            return rows.stream().skip(1).map(r -> new Moved(rows.getFirst(), r)).toList();
        }
    }

    /** How far one condition's path evidence lies from the first condition's. */
    record Moved(Setting first, Setting row) {
        double device() {
            return Math.abs(row.devicePerSegment() - first.devicePerSegment());
        }

        double ip() {
            return Math.abs(row.ipPerSegment() - first.ipPerSegment());
        }

        /** NaN when this condition's copies were not traced. */
        double copies() {
            return Double.isNaN(row.copiesPerByte())
                    ? Double.NaN
                    : Math.abs(row.copiesPerByte() - first.copiesPerByte());
        }
    }

    /** Every condition's path evidence where the first condition's was: nothing switched paths. */
    static final Condition<Facts> SAME_PATH = Condition.every(
            "condition against the first",
            Facts::moves,
            Condition.atMost("|lo's events per segment − the first's|", Moved::device, SAME_EVENTS, Shown.PLAIN)
                    .and(Condition.atMost(
                            "|IP-layer events per segment − the first's|", Moved::ip, SAME_EVENTS, Shown.PLAIN))
                    .and(Condition.atMost(
                                    "|receiver copies per byte − the first's|", Moved::copies, SAME_COPIES, Shown.PLAIN)
                            .orUnmeasured()));

    private static final Condition<Facts> SYMBOLS_READ =
            Condition.fact("the kernel's symbol table was read", f -> f.loopbackTcpSymbols() >= 0);

    static final Rule<Facts> RULE = Rule.<Facts>forClaim("FAST-3")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.below("conditions measured", f -> f.rows().size(), 2, Shown.PLAIN))
            .when(
                    Verdict.REFUTED,
                    SYMBOLS_READ
                            .and(Condition.below(
                                    "symbols naming both TCP and loopback",
                                    f -> f.loopbackTcpSymbols(),
                                    1,
                                    Shown.PLAIN))
                            .and(SAME_PATH))
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.<Facts>fact(
                                    "the kernel's symbol table could not be read", f -> f.loopbackTcpSymbols() < 0)
                            .and(SAME_PATH))
            .because("unmoved path evidence rules a separate path out only where the symbol table shows none")
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judge(int loopbackTcpSymbols, List<Setting> rows) {
        return RULE.judge(new Facts(loopbackTcpSymbols, rows));
    }

    /** The loopback-TCP symbols this experiment found in the running kernel (-1: kallsyms unreadable). */
    public record SymbolCount(String pattern, int found) {}

    /**
     * FAST-3 from the recorded conditions table and the loopback-TCP symbol count this experiment recorded (runs made
     * before it recorded one: the count kernel-symbols recorded in the same run).
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        int found = r.view().tables().containsKey("symbols")
                ? r.first("symbols", SymbolCount.class, x -> true, "at all").found()
                : r.other("kernel-symbols")
                        .first(
                                "symbols",
                                KernelSymbolsExperiment.Search.class,
                                x -> x.pattern().equals(KernelSymbolsExperiment.LOOPBACK_TCP),
                                "for " + KernelSymbolsExperiment.LOOPBACK_TCP)
                        .found();
        List<Setting> rows = r.rows("conditions", Setting.class);
        return new RecordedRule.Judgement(
                judge(found, rows),
                null,
                found + " loopback-TCP symbols; conditions: "
                        + String.join(
                                ", ", rows.stream().map(Setting::condition).toList()));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        List<HostState> state = hostState(ctx);
        o.table("host-state", RecordTable.of("host-state", HostState.class, state));
        List<String> algorithms = usable(ctx.host().root());
        List<Setting> rows = new ArrayList<>();
        long bytes = Math.min(BYTES, ctx.profile().tracedBytes);
        List<String> crossChecks = new ArrayList<>();
        for (String cc : algorithms) {
            ctx.progress("traced transfer with congestion control " + cc);
            TracedStream.Result r =
                    TracedStream.run(ctx.tracefs(), ctx.receiverPort(), KernelEvidence.WRITE, bytes, 60, s -> {
                        s.setCongestion(cc);
                        if (!s.congestion().equals(cc))
                            throw new IllegalStateException(
                                    "TCP_CONGESTION " + cc + " did not take: the socket reports " + s.congestion());
                    });
            rows.add(setting("TCP_CONGESTION=" + cc, r));
            crossChecks.add(traceCrossCheck("TCP_CONGESTION=" + cc, r));
        }
        List<NotRun> notRun = new ArrayList<>();
        if (algorithms.size() < 2)
            notRun.add(new NotRun(
                    "a second congestion-control algorithm",
                    "only " + algorithms + " can be set on a socket here ("
                            + (ctx.host().root()
                                    ? "/proc/sys/net/ipv4/tcp_available_congestion_control"
                                    : "a non-root process may use only /proc/sys/net/ipv4/tcp_allowed_congestion_control")
                            + "); the workbench loads no module and changes no sysctl"));
        String noNamespace = NetNamespace.unavailable();
        for (PathCondition pc : PathCondition.values()) {
            if (noNamespace != null) {
                notRun.add(new NotRun(pc.label(), "needs a private network namespace: " + noNamespace));
                continue;
            }
            try (NetNamespace ns = NetNamespace.create()) {
                String why = pc.apply(ns);
                if (why != null) {
                    notRun.add(new NotRun(pc.label(), why));
                    continue;
                }
                ctx.progress("traced transfer over lo in a private namespace: " + pc.label());
                TracedStream.Result r = TracedStream.run(
                        ctx.tracefs(), NamespaceRoutes.lo(ns), KernelEvidence.WRITE, bytes, 60, s -> {});
                rows.add(setting(pc.label() + " (private namespace)", r));
                crossChecks.add(traceCrossCheck(pc.label() + " (private namespace)", r));
            }
        }
        o.table("not-run", RecordTable.of("not-run", NotRun.class, notRun));
        if (rows.size() < 2) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "FAST-3",
                    noNamespace != null ? Lack.NAMESPACES : Lack.HOST_POLICY,
                    "There is no second condition to switch to here: "
                            + String.join(
                                    "; ",
                                    notRun.stream()
                                            .map(n -> n.condition() + " — " + n.reason())
                                            .toList())
                            + "."));
            return o;
        }
        o.table("conditions", RecordTable.of("conditions", Setting.class, rows));
        KernelSymbols k = KernelSymbols.live();
        int loopbackTcp = k.unavailable() == null
                ? k.find(KernelSymbolsExperiment.LOOPBACK_TCP).size()
                : -1;
        o.table(
                "symbols",
                RecordTable.of(
                        "symbols",
                        SymbolCount.class,
                        List.of(new SymbolCount(KernelSymbolsExperiment.LOOPBACK_TCP, loopbackTcp))));
        Verdict v = judge(loopbackTcp, rows);
        if (v == Verdict.NOT_TESTABLE_HERE) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "FAST-3",
                    Lack.KALLSYMS,
                    "No condition moved the path evidence, but the kernel's symbol table cannot be read ("
                            + k.unavailable() + "), so a separate loopback path cannot be ruled out."));
            return o;
        }
        List<String> ev = new ArrayList<>();
        for (Setting c : rows)
            ev.add(String.format(
                    "%s: %.1f Gbit/s (one untraced transfer), %.2f lo transmissions and %.2f IP packets per segment (counters), %s copies per byte (traced; %d segments)",
                    c.condition(),
                    c.gbitPerSecond(),
                    c.devicePerSegment(),
                    c.ipPerSegment(),
                    Double.isNaN(c.copiesPerByte()) ? "?" : String.format("%.3f", c.copiesPerByte()),
                    c.segments()));
        crossChecks.stream().filter(x -> x != null).forEach(ev::add);
        for (NotRun n : notRun) ev.add("not run here: " + n.condition() + " — " + n.reason());
        for (HostState h : state) ev.add("now on this host: " + h.feature() + " — " + h.state());
        ev.add(
                loopbackTcp < 0
                        ? "kallsyms unreadable: " + k.unavailable()
                        : "loopback-TCP symbols in this kernel: " + loopbackTcp + " (FAST-1)");
        ev.add(
                "each private-namespace condition is set up with the commands a reader would type (tc, ip xfrm, ip link) on that namespace's lo and removed with it; "
                        + "netfilter rule counts and veth between namespaces are varied in notebook 11 (FAIL-1, FAIL-3)");
        ev.add(RULE.evidence());
        o.verdict(ctx.judged("FAST-3", v)
                .summary(
                        v == Verdict.REFUTED
                                ? "There is no path for these conditions to switch off: under every condition set up here ("
                                        + rows.size()
                                        + ": congestion-control algorithms, qdiscs, transforms — the table) the segments take the same device, IP and copy path; conditions add or remove work on that one path (throughput in the table)."
                                : SAME_PATH.holds(new Facts(loopbackTcp, rows))
                                        ? "No condition moved the path evidence, but this kernel has " + loopbackTcp
                                                + " symbol(s) naming both TCP and loopback (FAST-1): a name is not a path, but it is not ruled out either."
                                        : "Changing the condition moved the path evidence (see the table): something on this host does switch paths.")
                .measured(rows.getFirst().devicePerSegment(), "lo transmissions per segment")
                .claimed(0.0)
                .evidence(ev)
                .build());
        CategoryChart c = Charts.bars("FAST-3: the path under each condition", "", "per segment / per byte");
        List<String> names = rows.stream().map(Setting::condition).toList();
        c.addSeries(
                        "lo transmissions per segment",
                        names,
                        rows.stream().map(Setting::devicePerSegment).toList())
                .setFillColor(Charts.MEASURED);
        c.addSeries(
                        "IP packets per segment",
                        names,
                        rows.stream().map(Setting::ipPerSegment).toList())
                .setFillColor(Charts.REFERENCE);
        c.addSeries(
                        "receive copies per byte",
                        names,
                        rows.stream()
                                .map(r -> Double.isNaN(r.copiesPerByte()) ? 0 : r.copiesPerByte())
                                .toList())
                .setFillColor(Charts.MARKER);
        o.figure(new Figure(
                "conditions",
                List.of("FAST-3"),
                "Measured: the same traced transfer under each condition — every loaded congestion-control algorithm (per socket; the host default untouched), and qdiscs and transforms on the lo of a private namespace. "
                        + "A 'fast path' that these conditions disable would show as a change of path here; the article implies 0 device and IP events on it.",
                c));
        return o;
    }

    /**
     * One condition's path evidence from its transfer: lo's transmissions and the IP layer's packets both from the
     * counters of the receiver's namespace (less their background), so every condition is counted the same way; the
     * copies from the trace. The trace's own count of lo transmissions is only a lower bound — it follows the peers'
     * tasks, and a segment sent from ksoftirqd or from another task's softirq (an ACK releasing the window) is outside
     * it: 0.86 per segment on 5.10 in an emulated guest, where softirqs are deferred more — so it is a cross-check in the
     * evidence ({@link #traceCrossCheck}), not the number the rule compares.
     */
    static Setting setting(String condition, TracedStream.Result r) {
        double dev = r.counterNet("dev.lo.tx_packets") / r.segments();
        double copies = r.traced()
                ? ReceiveCopies.of(r.trace(), r.receiverTids(), r.trial().bytesReceived())
                        .perByte()
                : Double.NaN;
        return new Setting(
                condition,
                r.untraced().gbitPerSecond(),
                dev,
                r.counterNet("Ip.InReceives") / r.segments(),
                copies,
                r.segments());
    }

    /** The trace's count of lo transmissions beside the counter's, for the evidence; null when untraced. */
    static String traceCrossCheck(String condition, TracedStream.Result r) {
        if (!r.traced()) return null;
        return String.format(
                "%s: the task-filtered trace saw %.2f lo transmissions per segment where the counter saw %.2f (the trace"
                        + " is a lower bound: segments sent from ksoftirqd or another task's softirq are outside its filter)",
                condition,
                PathCount.of(r.trace()).xmitOnLo() / (double) r.segments(),
                r.counterNet("dev.lo.tx_packets") / r.segments());
    }

    /** Loaded algorithms this process may set: all of them as root, else those the host allows unprivileged sockets. */
    static List<String> usable(boolean root) {
        List<String> loaded = words("tcp_available_congestion_control");
        if (root) return loaded;
        List<String> allowed = words("tcp_allowed_congestion_control");
        return loaded.stream().filter(allowed::contains).toList();
    }

    private static List<String> words(String sysctl) {
        try {
            String v = ProcFiles.read(Path.of("/proc/sys/net/ipv4", sysctl)).trim();
            return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<HostState> hostState(RunContext ctx) {
        List<HostState> out = new ArrayList<>();
        out.add(new HostState(
                "default congestion control", String.valueOf(ctx.host().defaultCongestionControl())));
        out.add(tool("qdisc on lo", "tc", "qdisc", "show", "dev", "lo"));
        out.add(tool("nftables tables", "nft", "list", "tables"));
        out.add(tool("IPsec (xfrm) policies", "ip", "xfrm", "policy"));
        return out;
    }

    private static HostState tool(String feature, String... cmd) {
        if (Command.which(cmd[0]) == null) return new HostState(feature, cmd[0] + " is not installed");
        Command c = Command.run(5_000, cmd);
        if (!c.ok()) return new HostState(feature, String.join(" ", cmd) + " failed: " + Command.firstLine(c.stderr()));
        String out = c.stdout().strip();
        return new HostState(
                feature,
                out.isEmpty() ? "none (" + String.join(" ", cmd) + " printed nothing)" : out.replaceAll("\\s+", " "));
    }
}

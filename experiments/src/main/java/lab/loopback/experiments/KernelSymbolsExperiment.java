package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.KernelSource;
import lab.loopback.kernel.KernelSymbols;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
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
import org.knowm.xchart.CategoryChart;

/**
 * FAST-1 and PATH-4: does the running kernel contain a loopback-specific TCP data path? Its own symbol
 * table (/proc/kallsyms) is searched for anything TCP-and-loopback, for tcp_loopback*, and for where
 * loopback transmission really lives (loopback_xmit, the lo driver). When the user points the workbench at
 * a kernel source tree (LAB_KERNEL_SRC or --kernel-src), the files and the IFF_LOOPBACK test the article
 * names are looked up there too. kallsyms lists functions that were not inlined; absence there means no
 * out-of-line function of that name was built.
 */
@Measures(
        name = "kernel-symbols",
        claims = {"FAST-1", "PATH-4"})
public final class KernelSymbolsExperiment implements Experiment {
    /** Symbols that would be a loopback-specific TCP path: any name with both "tcp" and "loopback". */
    static final String LOOPBACK_TCP = "(?i)(.*tcp.*loopback.*|.*loopback.*tcp.*)";

    /** A pattern, whether the article implies it exists, and what the kernel's symbol table holds for it. */
    public record Search(
            String label, String pattern, String meaning, boolean articleImplies, int found, String names) {}

    static final Rule<Integer> FAST_PATH = Rule.<Integer>forClaim("FAST-1")
            .when(Verdict.REFUTED, Condition.below("symbols naming both TCP and loopback", n -> n, 1, Shown.PLAIN))
            .because("a name is not a path: symbols that exist are a lead to read, not a fast path")
            .otherwise(Verdict.PARTLY_TRUE);

    /** What PATH-4's rule reads; {@code sourceHasFile} null when no source tree was given. */
    record Location(int tcpLoopbackSymbols, Boolean sourceHasFile) {}

    private static final String SYMBOLS = "tcp_loopback* symbols in the running kernel";
    static final Rule<Location> LOCATION = Rule.<Location>forClaim("PATH-4")
            .when(
                    Verdict.SUPPORTED,
                    Condition.<Location>fact(
                                    "the given source tree has net/ipv4/tcp_loopback.c",
                                    l -> Boolean.TRUE.equals(l.sourceHasFile()))
                            .and(Condition.atLeast(SYMBOLS, Location::tcpLoopbackSymbols, 1, Shown.PLAIN)))
            .when(
                    Verdict.REFUTED,
                    Condition.below(SYMBOLS, Location::tcpLoopbackSymbols, 1, Shown.PLAIN)
                            .and(Condition.fact(
                                    "no source tree was given or it has no net/ipv4/tcp_loopback.c",
                                    l -> !Boolean.TRUE.equals(l.sourceHasFile()))))
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judgeFastPath(int loopbackTcpSymbols) {
        return FAST_PATH.judge(loopbackTcpSymbols);
    }

    static Verdict judgeLocation(int tcpLoopbackSymbols, Boolean sourceHasFile) {
        return LOCATION.judge(new Location(tcpLoopbackSymbols, sourceHasFile));
    }

    /** FAST-1 from the recorded symbols table: loopback-TCP symbols found (its first search). */
    static RecordedRule.Judgement fromTablesFastPath(Recorded r) {
        Search s = r.rows("symbols", Search.class).getFirst();
        return new RecordedRule.Judgement(
                judgeFastPath(s.found()), null, s.pattern() + " matched " + s.found() + " symbols");
    }

    /**
     * PATH-4 from the recorded symbols table (its second search); a run given a kernel source tree recorded only
     * the hits, not whether tcp_loopback.c exists, so such a run is not rejudged.
     */
    static RecordedRule.Judgement fromTablesLocation(Recorded r) {
        if (r.view().tables().containsKey("source-hits"))
            throw new Recorded.MissingTableException(
                    "the run was given a kernel source tree and did not record whether net/ipv4/tcp_loopback.c exists");
        Search s = r.rows("symbols", Search.class).get(1);
        return new RecordedRule.Judgement(
                judgeLocation(s.found(), null),
                null,
                s.pattern() + " matched " + s.found() + " symbols; no source tree");
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        KernelSymbols k = KernelSymbols.live();
        String why = k.unavailable();
        if (why != null) {
            o.verdict(KernelEvidence.notTestable(
                    ctx, "FAST-1", Lack.KALLSYMS, "The kernel's symbol table cannot be read: " + why + "."));
            o.verdict(KernelEvidence.notTestable(
                    ctx, "PATH-4", Lack.KALLSYMS, "The kernel's symbol table cannot be read: " + why + "."));
            return o;
        }
        ctx.progress("searching /proc/kallsyms");
        List<Search> s = new ArrayList<>();
        s.add(search(k, "tcp+loopback (any)", LOOPBACK_TCP, "anything TCP-and-loopback (a loopback TCP path)", true));
        s.add(search(k, "tcp_loopback*", "tcp_loopback.*", "functions of the article's net/ipv4/tcp_loopback.c", true));
        s.add(search(k, "loopback_xmit", "loopback_xmit", "the lo driver's transmit (drivers/net/loopback.c)", false));
        s.add(search(
                k,
                "dev_loopback_xmit",
                "dev_loopback_xmit",
                "multicast/broadcast loop-back of a sent packet (net/core/dev.c)",
                false));
        s.add(search(k, "tcp_sendmsg", "tcp_sendmsg", "TCP's send entry", false));
        s.add(search(k, "ip_queue_xmit", "ip_queue_xmit|__ip_queue_xmit", "IP output of a TCP segment", false));
        s.add(search(k, "ip_rcv", "ip_rcv", "IP input", false));
        s.add(search(k, "tcp_v4_rcv", "tcp_v4_rcv", "TCP input", false));
        o.table("symbols", RecordTable.of("symbols", Search.class, s));
        int loopbackTcp = s.get(0).found(), tcpLoopback = s.get(1).found();
        String release = ctx.host().kernelRelease();
        List<String> ev = new ArrayList<>();
        for (Search x : s)
            ev.add(String.format(
                    "/proc/kallsyms %s (%s): %d%s",
                    x.pattern(), x.meaning(), x.found(), x.names().isEmpty() ? "" : " — " + x.names()));

        Boolean hasFile = null;
        KernelSource src = ctx.kernelSource();
        List<String> srcEv = new ArrayList<>();
        if (src != null) {
            hasFile = src.exists("net/ipv4/tcp_loopback.c");
            srcEv.add("kernel source " + src.root() + " (version " + src.version() + "): net/ipv4/tcp_loopback.c "
                    + (hasFile ? "exists" : "does not exist") + "; drivers/net/loopback.c "
                    + (src.exists("drivers/net/loopback.c") ? "exists" : "does not exist"));
            var hits = src.grep("net/ipv4", "tcp*.c", "IFF_LOOPBACK");
            srcEv.add("IFF_LOOPBACK in net/ipv4/tcp*.c: "
                    + (hits.isEmpty()
                            ? "no line"
                            : String.join(
                                    "; ",
                                    hits.stream()
                                            .limit(10)
                                            .map(h -> h.file() + ":" + h.line() + " " + h.text())
                                            .toList())));
            o.table("source-hits", RecordTable.of("source-hits", KernelSource.Hit.class, hits));
        } else {
            srcEv.add("no kernel source tree given (set LAB_KERNEL_SRC or pass --kernel-src to look there as well)");
        }

        Verdict v1 = judgeFastPath(loopbackTcp);
        o.verdict(ctx.judged("FAST-1", v1)
                .summary(String.format(
                        "Kernel %s has %d symbol%s naming both TCP and loopback; %s",
                        release,
                        loopbackTcp,
                        loopbackTcp == 1 ? "" : "s",
                        v1 == Verdict.REFUTED
                                ? "its loopback traffic goes through the ordinary TCP, IP and device code (tcp_sendmsg, ip_queue_xmit, loopback_xmit, ip_rcv, tcp_v4_rcv are all there)."
                                : "look at them (evidence) — a name is not yet a data path."))
                .measured((double) loopbackTcp, "symbols")
                .evidence(concat(
                        List.of("running kernel " + release + " (" + ctx.host().kernelVersion() + ")"),
                        ev,
                        List.of(KernelEvidence.SOURCE_TCP_FRIENDS, FAST_PATH.evidence())))
                .build());
        Verdict v2 = judgeLocation(tcpLoopback, hasFile);
        o.verdict(ctx.judged("PATH-4", v2)
                .summary(String.format(
                        "No tcp_loopback* function exists in this kernel (%d found)%s; loopback transmission lives in loopback_xmit (%d), the lo device driver.",
                        tcpLoopback,
                        hasFile == null
                                ? ""
                                : hasFile
                                        ? ", although the source tree has net/ipv4/tcp_loopback.c"
                                        : " and the given source tree has no net/ipv4/tcp_loopback.c",
                        s.get(2).found()))
                .measured((double) tcpLoopback, "tcp_loopback* symbols")
                .evidence(concat(ev, srcEv, List.of(KernelEvidence.SOURCE_TCP_FRIENDS, LOCATION.evidence())))
                .build());
        CategoryChart c =
                Charts.bars("FAST-1 / PATH-4: what the running kernel's symbol table holds", "", "symbols found");
        List<String> names = s.stream().map(Search::label).toList();
        c.addSeries(
                        "article: exists",
                        names,
                        s.stream().map(x -> x.articleImplies() ? 1 : 0).toList())
                .setFillColor(Charts.CLAIM);
        c.addSeries(
                        "measured: /proc/kallsyms",
                        names,
                        s.stream().map(Search::found).toList())
                .setFillColor(Charts.MEASURED);
        c.getStyler().setXAxisLabelRotation(20);
        o.figure(new Figure(
                "kernel-symbols",
                List.of("FAST-1", "PATH-4"),
                "Measured: the number of symbols in the running kernel's /proc/kallsyms matching each pattern. The article's claim implies at least one "
                        + "loopback TCP function; the ordinary path's functions are shown for comparison. Inlined code has no symbol.",
                c));
        return o;
    }

    private static Search search(KernelSymbols k, String label, String regex, String meaning, boolean articleImplies) {
        var found = k.find(regex).stream()
                .map(KernelSymbols.Symbol::name)
                .filter(n -> !n.startsWith("__pfx_"))
                .distinct()
                .sorted()
                .toList();
        return new Search(
                label,
                regex,
                meaning,
                articleImplies,
                found.size(),
                String.join(" ", found.stream().limit(12).toList()) + (found.size() > 12 ? " …" : ""));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) out.addAll(p);
        return out;
    }
}

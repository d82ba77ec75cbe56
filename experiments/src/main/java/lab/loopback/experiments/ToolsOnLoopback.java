package lab.loopback.experiments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.sys.Command;
import lab.loopback.tools.Iperf3;
import lab.loopback.tools.PerfCounters;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;

/**
 * MORE-4 "Run strace, use perf, use tcpdump – and verify you're not hitting the slow path." The article's own
 * commands, run for the reader around one bounded iperf3 transfer on 127.0.0.1 (4 MiB), with their output: strace
 * -e trace=network -T, perf stat on the copy and lo tracepoints, tcpdump -i lo. What each can and cannot tell
 * about the path is read from that output: tcpdump on lo sees every segment that crosses the device (a bypass would
 * leave it nothing to see), perf counts the copy and lo-transmit tracepoints, strace sees system calls, which look
 * the same on any path.
 */
@Measures(
        name = "tools-on-loopback",
        claims = {"MORE-4"})
public final class ToolsOnLoopback implements Experiment {
    static final long BYTES = 4L << 20;
    static final String UNIT = "tools whose output shows the path taken (of those that ran)";
    static final int LINES = 12;

    /** One tool: its command, whether it ran, what it printed (abridged), and whether that output shows copies. */
    public record ToolRun(String tool, String command, boolean ran, boolean showsCopies, String output) {
        /** A tool that ran: its output shows copies when it reports a positive count of the copy tracepoint. */
        static ToolRun ran(String tool, String command, String output) {
            boolean copies = output.lines()
                    .filter(l -> l.contains("skb_copy_datagram_iovec"))
                    .anyMatch(l -> leadingCount(l) > 0);
            return new ToolRun(tool, command, true, copies, output);
        }

        static ToolRun notRun(String tool, String command, String why) {
            return new ToolRun(tool, command, false, false, why);
        }

        /**
         * Whether the output tells which path the bytes took: segments captured on lo's device (tcpdump), or counted
         * copy or lo-transmit events (perf). strace's system calls are the same whichever path the kernel took.
         */
        boolean showsPath() {
            if (!ran) return false;
            return switch (tool) {
                case TCPDUMP -> output.lines().anyMatch(l -> l.contains(" IP "));
                case PERF ->
                    output.lines()
                            .filter(l -> l.contains("skb_copy_datagram_iovec") || l.contains("net_dev_xmit"))
                            .anyMatch(l -> leadingCount(l) > 0);
                default -> false;
            };
        }
    }

    static final String STRACE = "strace", PERF = "perf", TCPDUMP = "tcpdump";

    private static List<ToolRun> ran(List<ToolRun> runs) {
        return runs.stream().filter(ToolRun::ran).toList();
    }

    private static final Condition<ToolRun> SHOWS = Condition.fact(
            "its output shows the path taken (segments on lo, or counted copies and lo transmissions)",
            ToolRun::showsPath);
    static final Rule<List<ToolRun>> RULE = Rule.<List<ToolRun>>forClaim("MORE-4")
            .when(
                    Verdict.NOT_TESTABLE_HERE,
                    Condition.fact("no tool could run here", runs -> ran(runs).isEmpty()))
            .when(Verdict.SUPPORTED, Condition.every("tool that ran", ToolsOnLoopback::ran, SHOWS))
            .when(Verdict.PARTLY_TRUE, Condition.some("tool that ran", ToolsOnLoopback::ran, SHOWS))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(List<ToolRun> runs) {
        return RULE.judge(runs);
    }

    /** MORE-4 from the recorded tools table. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<ToolRun> runs = r.rows("tools", ToolRun.class);
        return new RecordedRule.Judgement(
                judge(runs),
                (double) runs.stream().filter(ToolRun::showsPath).count(),
                String.join(
                        "; ",
                        runs.stream()
                                .map(t -> t.tool()
                                        + (t.ran() ? " ran, shows the path: " + t.showsPath() : " did not run"))
                                .toList()),
                UNIT);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        if (!Iperf3.installed()) {
            o.verdict(
                    KernelEvidence.notTestable(
                            ctx,
                            "MORE-4",
                            Lack.TOOL,
                            "the bounded workload these commands watch is an iperf3 transfer, and iperf3 is not installed (Debian package iperf3)"));
            return o;
        }
        int port = ctx.toolPort();
        List<ToolRun> runs = new ArrayList<>();
        ctx.progress("strace -e trace=network -T around a 4 MiB iperf3 transfer");
        runs.add(strace(port));
        ctx.progress("perf stat on the copy tracepoint around the same transfer");
        runs.add(perf(port));
        ctx.progress("tcpdump -i lo during the same transfer");
        runs.add(tcpdump(port));
        o.table("tools", RecordTable.of("tools", ToolRun.class, runs));
        List<String> ev = new ArrayList<>();
        for (ToolRun r : runs)
            ev.add(r.tool() + ": `" + r.command() + "` — "
                    + (r.ran()
                            ? "ran; shows the path: " + r.showsPath() + ", shows copies: " + r.showsCopies() + "\n"
                                    + r.output()
                            : "did not run: " + r.output()));
        ev.add(
                "what each can show: tcpdump -i lo sees every segment that crosses lo's device, so frames there mean the transfer took the device path (a bypass would be invisible to it), though not whether a byte was copied; perf counting skb:skb_copy_datagram_iovec and net:net_dev_xmit shows both the copies into user memory and lo's transmissions; strace sees system calls and their times, identical whichever path the kernel took");
        ev.add(RULE.evidence());
        Verdict v = judge(runs);
        if (v == Verdict.NOT_TESTABLE_HERE) {
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "MORE-4",
                    Lack.TOOL,
                    "none of strace, perf, tcpdump could run here: "
                            + String.join(
                                    "; ",
                                    runs.stream()
                                            .map(r -> r.tool() + ": " + r.output())
                                            .toList())));
            return o;
        }
        List<String> can =
                runs.stream().filter(ToolRun::showsPath).map(ToolRun::tool).toList();
        List<String> cannot = runs.stream()
                .filter(r -> r.ran() && !r.showsPath())
                .map(ToolRun::tool)
                .toList();
        String summary = switch (v) {
            case SUPPORTED ->
                "Every tool that ran here shows which path the bytes took (" + String.join(", ", can)
                        + "), and what they show is the ordinary one through lo: there is no other to hit.";
            case REFUTED ->
                "None of the tools that ran (" + String.join(", ", cannot)
                        + ") shows which path the bytes took; their output would look the same on any path.";
            default ->
                String.join(", ", can) + " show which path the bytes took — segments crossing lo, copies and lo's "
                        + "transmissions counted — and it is the ordinary one, there is no other to hit; "
                        + String.join(", ", cannot) + " show system calls, the same on any path.";
        };
        o.verdict(ctx.judged("MORE-4", v)
                .summary(summary)
                .measured((double) can.size(), UNIT)
                .claimed((double) runs.stream().filter(ToolRun::ran).count())
                .evidence(ev)
                .build());
        return o;
    }

    private static ToolRun strace(int port) {
        String cmd = "strace -f -e trace=network -T iperf3 -c 127.0.0.1 -n 4M";
        if (Command.which("strace") == null)
            return ToolRun.notRun(STRACE, cmd, "strace is not installed (Debian package strace)");
        Command c = Iperf3.runWrapped(List.of("strace", "-f", "-e", "trace=network", "-T"), BYTES, port);
        List<String> calls = c.stderr()
                .lines()
                .filter(l -> l.contains("<") && l.contains("("))
                .toList();
        if (calls.isEmpty()) return ToolRun.notRun(STRACE, cmd, "no traced calls: " + Command.firstLine(c.stderr()));
        return ToolRun.ran(
                STRACE,
                cmd,
                calls.size() + " network calls traced; the first " + Math.min(LINES, calls.size()) + ":\n"
                        + String.join("\n", calls.subList(0, Math.min(LINES, calls.size()))));
    }

    private static ToolRun perf(int port) {
        List<String> events = List.of("skb:skb_copy_datagram_iovec", "net:net_dev_xmit");
        String cmd = "perf stat -a -e " + String.join(",", events) + " -- iperf3 -c 127.0.0.1 -n 4M";
        // perf without access to tracefs (not root, tracefs not mounted) refuses the events before it starts the
        // workload
        String unusable = PerfCounters.unusable(events);
        if (unusable != null) return ToolRun.notRun(PERF, cmd, unusable);
        Command c = Iperf3.runWrapped(
                List.of("perf", "stat", "-a", "-x,", "-e", String.join(",", events), "--"), BYTES, port);
        Map<String, Long> counted = PerfCounters.parse(c.stderr());
        Long copies = counted.get("skb:skb_copy_datagram_iovec");
        if (copies == null)
            return ToolRun.notRun(
                    PERF, cmd, "perf could not count the tracepoints: " + PerfCounters.reason(c.stderr()));
        List<String> lines = c.stderr()
                .lines()
                .filter(l -> l.contains("skb:") || l.contains("net:"))
                .toList(); // perf's own CSV lines
        return ToolRun.ran(
                PERF,
                cmd,
                String.join("\n", lines) + "\n(" + copies
                        + " copies into user memory for 4 MiB, every process on the host during the transfer)");
    }

    /** The count at the start of one of perf's CSV lines ("109,,skb:…"), or -1 when the event was not counted. */
    static long leadingCount(String csv) {
        try {
            return Long.parseLong(csv.split(",")[0].trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ToolRun tcpdump(int port) {
        String cmd = "tcpdump -i lo -nn -c " + LINES + " tcp port " + port;
        if (Command.which("tcpdump") == null)
            return ToolRun.notRun(TCPDUMP, cmd, "tcpdump is not installed (Debian package tcpdump)");
        try {
            Process dump = new ProcessBuilder(
                            "tcpdump",
                            "-i",
                            "lo",
                            "-nn",
                            "-l",
                            "-c",
                            Integer.toString(LINES),
                            "tcp",
                            "port",
                            Integer.toString(port))
                    .redirectErrorStream(false)
                    .start();
            Thread.sleep(1_000); // tcpdump attaches to lo before the transfer starts
            Iperf3.runWrapped(List.of(), BYTES, port);
            if (!dump.waitFor(10, TimeUnit.SECONDS)) dump.destroy();
            dump.waitFor(5, TimeUnit.SECONDS);
            List<String> lines =
                    new String(dump.getInputStream().readAllBytes()).lines().toList();
            String err = new String(dump.getErrorStream().readAllBytes()).strip();
            if (lines.isEmpty()) return ToolRun.notRun(TCPDUMP, cmd, "captured nothing: " + Command.firstLine(err));
            return ToolRun.ran(TCPDUMP, cmd, String.join("\n", lines));
        } catch (IOException e) {
            return ToolRun.notRun(TCPDUMP, cmd, "could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ToolRun.notRun(TCPDUMP, cmd, "interrupted");
        }
    }
}

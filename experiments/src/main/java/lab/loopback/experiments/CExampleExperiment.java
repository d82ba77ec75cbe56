package lab.loopback.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Claim;
import lab.loopback.claim.Verdict;
import lab.loopback.measure.ChildJvm;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.sys.Command;
import lab.loopback.sys.TempFiles;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * TRIG-1: the article's C example makes a local TCP pair. Run exactly that sequence through the syscall
 * layer in this process, check the bytes and both endpoints' addresses; where strace is installed, run it
 * again in a child JVM under strace so the kernel-side view of the same calls is on record.
 */
@Measures(
        name = "c-example",
        claims = {"TRIG-1"})
public final class CExampleExperiment implements Experiment {
    private static final Pattern EXCHANGE_LINE =
            Pattern.compile("socket\\(AF_INET|bind\\(.*AF_INET|listen\\(|connect\\(.*AF_INET|accept4?\\(|zero-copy!");

    /** What TRIG-1's rule reads of the exchange. */
    public record Delivered(boolean bytesIntact, boolean bothEndsLoopback) {
        static Delivered of(CExample.Exchange e) {
            return new Delivered(e.bytesIntact(), e.bothEndsLoopback());
        }
    }

    static final Rule<Delivered> RULE = Rule.<Delivered>forClaim("TRIG-1")
            .when(
                    Verdict.SUPPORTED,
                    Condition.<Delivered>fact("the bytes read are the bytes written", Delivered::bytesIntact)
                            .and(Condition.fact(
                                    "both ends of the connection are 127.0.0.1", Delivered::bothEndsLoopback)))
            .otherwise(Verdict.REFUTED);

    static Verdict judge(CExample.Exchange e) {
        return RULE.judge(Delivered.of(e));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Claim claim = ctx.claim("TRIG-1");
        ctx.progress("the article's C example");
        CExample.Exchange e = CExample.run();
        Outcome o = new Outcome(name());
        o.table("calls", RecordTable.of("calls", CExample.Call.class, e.calls()));
        List<String> evidence = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        for (CExample.Call c : e.calls())
            transcript.append(String.format("%-45s = %d   (%.1f µs)%n", c.call(), c.result(), c.nanos() / 1e3));
        evidence.add("calls made through the FFM syscall layer:\n"
                + transcript.toString().strip());
        evidence.add("client " + e.clientLocal() + " → server " + e.serverLocal() + "; the server sees its peer as "
                + e.serverPeer());
        evidence.add("sent " + e.sent().length + " bytes, read() returned " + e.received().length + ", "
                + (e.bytesIntact() ? "identical" : "DIFFERENT"));
        String strace = strace();
        evidence.add(strace);
        o.note(strace);
        evidence.add(RULE.evidence());
        Verdict v = RULE.judge(o.facts("TRIG-1", Delivered.class, Delivered.of(e)));
        String summary = v == Verdict.SUPPORTED
                ? "The sequence works as printed: both ends are 127.0.0.1 (client " + e.clientLocal() + ", server "
                        + e.serverLocal()
                        + ") and the 11 bytes of \"zero-copy!\\0\" arrive intact in one read(). It makes an ordinary loopback TCP connection; whether anything about it is zero-copy is TRIG-2's question."
                : "The sequence did not give a verified local pair: "
                        + (e.bytesIntact()
                                ? "an endpoint is not on loopback"
                                : "the bytes read differ from those written")
                        + ".";
        o.verdict(ctx.judged(claim.id(), v)
                .summary(summary)
                .measured((double) e.received().length, "bytes delivered")
                .claimed((double) e.sent().length)
                .evidence(evidence)
                .build());
        CategoryChart chart = Charts.bars("TRIG-1: the article's calls, one by one", "", "µs");
        chart.addSeries(
                        "duration of the call",
                        e.calls().stream()
                                .map(c -> c.step() + " " + c.call().replaceAll("\\(.*", ""))
                                .toList(),
                        e.calls().stream().map(c -> (Number) (c.nanos() / 1e3)).toList())
                .setFillColor(Charts.MEASURED);
        chart.getStyler().setXAxisLabelRotation(30);
        o.figure(new Figure(
                "calls",
                List.of("TRIG-1"),
                "Measured: wall time of each call of the article's example, in order (first calls include JIT warm-up).",
                chart));
        return o;
    }

    /** The same exchange in a child JVM under strace, the exchange's own lines picked out; or why not. */
    static String strace() {
        if (Command.which("strace") == null)
            return "strace is not installed (apt-get install strace): no outside view of the calls";
        Path log = null;
        try {
            log = TempFiles.file("strace", ".log");
            List<String> argv = new ArrayList<>(List.of(
                    "strace",
                    "-f",
                    "-qq",
                    "-e",
                    "trace=socket,bind,listen,connect,accept,accept4,write,read",
                    "-e",
                    "signal=none",
                    "-o",
                    log.toString()));
            argv.addAll(ChildJvm.command(CExample.class, List.of()));
            Command c = Command.run(argv, 120_000);
            if (!c.ok() || !c.stdout().contains("EXCHANGE intact")) {
                return "strace could not trace the exchange (exit " + c.exitCode() + "): "
                        + Command.firstLine(c.stderr() + "\n" + c.stdout());
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> EXCHANGE_LINE.matcher(l).find())
                    .map(l -> l.replaceFirst("^\\d+\\s+", ""))
                    .toList();
            return "strace of the same calls in a child JVM (the kernel's side of the ptrace boundary):\n"
                    + String.join("\n", lines);
        } catch (IOException ex) {
            return "strace transcript unavailable: " + ex.getMessage();
        } finally {
            if (log != null) log.toFile().delete();
        }
    }
}

package lab.loopback.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.Libc;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * URING-3: "data path = DMA → socket queue → peer buffer". DMA is done by a device; lo has none. The host's
 * testimony: /sys/class/net/lo has no {@code device} link (no bus device behind it), and during a traced
 * transfer the kernel's dma:* tracepoints fire zero times in the two data threads while net:net_dev_xmit
 * fires for every segment on lo.
 */
@Measures(
        name = "loopback-dma",
        claims = {"URING-3"})
public final class LoopbackDma implements Experiment {

    /** What URING-3's rule reads. */
    public record Facts(boolean loHasDevice, long dmaEvents) {}

    static final Rule<Facts> RULE = Rule.<Facts>forClaim("URING-3")
            .when(
                    Verdict.REFUTED,
                    Condition.<Facts>fact(
                                    "lo has no device behind it (/sys/class/net/lo/device)", f -> !f.loHasDevice())
                            .and(Condition.below(
                                    "dma:* events during the transfer", f -> f.dmaEvents(), 1, Shown.PLAIN)))
            .because("DMA needs a device; with one, or with DMA events, it cannot be ruled out here")
            .otherwise(Verdict.PARTLY_TRUE);

    static Verdict judge(boolean loHasDevice, long dmaEvents, long loXmits) {
        return RULE.judge(new Facts(loHasDevice, dmaEvents));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        Path sysLo = Path.of("/sys/class/net/lo");
        boolean device = Files.exists(sysLo.resolve("device"));
        Tracefs t = ctx.tracefs();
        List<String> ev = new ArrayList<>();
        ev.add(sysLo.resolve("device")
                + (device
                        ? " exists: lo has a bus device behind it"
                        : " does not exist: no bus device (and so no DMA engine) is behind lo"));
        if (!t.available() || !Files.isDirectory(t.root().resolve("events/dma"))) {
            String why = !t.available()
                    ? t.unavailable()
                    : "this kernel has no dma:* tracepoints (" + t.root().resolve("events/dma") + ")";
            o.verdict(KernelEvidence.notTestable(
                    ctx,
                    "URING-3",
                    KernelEvidence.traceLack(ctx),
                    "Whether DMA happens during a loopback transfer is seen only through the dma:* tracepoints: " + why
                            + ". Without them: " + ev.getFirst() + "."));
            return o;
        }
        List<String> events = new ArrayList<>(List.of("net/net_dev_xmit"));
        try (var s = Files.list(t.root().resolve("events/dma"))) {
            s.filter(Files::isDirectory).forEach(d -> events.add("dma/" + d.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.progress("a loopback transfer under the dma:* tracepoints");
        TraceRecorder.Recording rec;
        StreamTrial[] trial = new StreamTrial[1];
        try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), ctx.receiverPort(), 300)) {
            StreamRunner.verified(runner.trial(65536, 30, 1 << 20, "warmup", 0));
            long receiverTid = runner.receiverTid();
            try (TraceRecorder r =
                    TraceRecorder.open(t, events.stream().filter(t::hasEvent).toList(), 8 * 1024)) {
                r.onlyTasks(List.of((long) Libc.gettid(), receiverTid));
                rec = r.record(() -> trial[0] = runner.trial(65536, 30, ctx.profile().tracedBytes, "traced", 0));
            }
        }
        StreamRunner.verified(trial[0]);
        long dma =
                rec.events().stream().filter(e -> e.event().startsWith("dma_")).count();
        long loXmit = rec.of("net_dev_xmit").stream()
                .filter(e -> e.field("dev").equals("lo"))
                .count();
        ev.add(String.format(
                "during a verified %d-byte transfer: %d dma:* events (%d dma event types enabled) and %d net:net_dev_xmit on lo, in the sending and receiving threads",
                trial[0].bytesReceived(), dma, events.size() - 1, loXmit));
        ev.add(
                "what lo does instead: loopback_xmit hands the skb to netif_rx on the same host (drivers/net/loopback.c); the receiver's read() copies it (TLDR-2)");
        ev.add(RULE.evidence());
        Verdict v = RULE.judge(o.facts("URING-3", Facts.class, new Facts(device, dma)));
        o.verdict(ctx.judged("URING-3", v)
                .summary(String.format(
                        "%s: lo %s device, and %d DMA events accompanied its %d segments in the data threads%s.",
                        v == Verdict.REFUTED ? "No DMA is involved on loopback" : "DMA cannot be ruled out here",
                        device ? "has a" : "has no",
                        dma,
                        loXmit,
                        v == Verdict.REFUTED
                                ? "; the path is memory → skb → socket queue → a CPU copy into the peer's buffer"
                                : ""))
                .measured((double) dma, "DMA events during the transfer")
                .evidence(ev)
                .build());
        CategoryChart c = Charts.bars("URING-3: device-layer events during a loopback transfer", "", "events");
        List<String> names = List.of("net_dev_xmit on lo", "dma:* (any)");
        c.addSeries("measured", names, List.of((double) loXmit, (double) dma)).setFillColor(Charts.MEASURED);
        o.figure(new Figure(
                "lo-dma",
                List.of("URING-3"),
                "Measured: tracepoint counts in the two data threads during one transfer. The article's path starts with DMA; lo has no device to do it.",
                c));
        return o;
    }
}

package lab.loopback.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.evidence.LoCapture;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.sys.Command;
import lab.loopback.sys.PacketSocket;
import lab.loopback.sys.ProcFiles;
import lab.loopback.tls.JdkStreams;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;

/**
 * FAIL-2: "it degrades to the regular copy path if you set tcp_checksum=1". Whether any sysctl of that name (or
 * about checksums at all) exists under /proc/sys; lo's checksum offload flags (ethtool -k); and in captured lo
 * segments whether the TCP checksum field holds a valid checksum (computed) or only the pseudo-header seed
 * left for an offload (CHECKSUM_PARTIAL: not computed), with the IPv4 header checksum beside it.
 */
@Measures(
        name = "checksum-setting",
        claims = {"FAIL-2"})
public final class ChecksumSetting implements Experiment {
    public record Setting(String sysctl, String value) {}

    /** Every sysctl whose name mentions checksums, with its value. */
    static List<Setting> checksumSysctls(Path root) {
        List<Setting> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.walk(root, 8)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*(checksum|csum).*"))
                    .sorted()
                    .forEach(p -> {
                        String v;
                        try {
                            v = ProcFiles.read(p).strip();
                        } catch (IOException e) {
                            v = "unreadable";
                        }
                        out.add(new Setting(root.relativize(p).toString().replace('/', '.'), v));
                    });
        } catch (IOException | UncheckedIOException e) {
            // partial listing: what was found stays
        }
        return out;
    }

    static final Rule<Boolean> RULE = Rule.<Boolean>forClaim("FAIL-2")
            .when(
                    Verdict.REFUTED,
                    Condition.fact("no tcp_checksum sysctl exists (the condition cannot be set)", exists -> !exists))
            .because("testing an existing setting would mean changing a host sysctl, which the workbench never does")
            .otherwise(Verdict.NOT_TESTABLE_HERE);

    static Verdict judge(boolean tcpChecksumSettingExists) {
        return RULE.judge(tcpChecksumSettingExists);
    }

    /** FAIL-2 from the recorded sysctls table. */
    static RecordedRule.Judgement fromTables(Recorded r) {
        boolean exists = r.rows("sysctls", Setting.class).stream()
                .anyMatch(s -> s.sysctl().endsWith("tcp_checksum"));
        return new RecordedRule.Judgement(judge(exists), null, "a tcp_checksum sysctl exists: " + exists);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        List<Setting> found = checksumSysctls(Path.of("/proc/sys"));
        o.table("sysctls", RecordTable.of("sysctls", Setting.class, found));
        boolean exists = found.stream().anyMatch(s -> s.sysctl().endsWith("tcp_checksum"));
        List<String> ev = new ArrayList<>();
        ev.add("sysctls under /proc/sys naming checksums: "
                + (found.isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                found.stream()
                                        .map(s -> s.sysctl() + "=" + s.value())
                                        .toList()))
                + (exists ? "" : " — no tcp_checksum among them"));
        if (Command.which("ethtool") != null) {
            Command k = Command.run(5_000, "ethtool", "-k", "lo");
            String flags = String.join(
                    "; ",
                    k.stdout()
                            .lines()
                            .filter(l -> l.contains("checksum"))
                            .map(String::strip)
                            .limit(6)
                            .toList());
            ev.add("ethtool -k lo: " + (flags.isEmpty() ? Command.firstLine(k.stderr()) : flags));
        }
        String why = LoCapture.unavailable();
        double validShare = Double.NaN;
        if (why == null) {
            ctx.progress("capture of a 256 KiB transfer on lo, checksums recomputed");
            AtomicInteger port = new AtomicInteger();
            LoCapture.Capture cap = LoCapture.duringPort(
                    () -> PacketSocket.open("lo"),
                    port::get,
                    null,
                    () -> JdkStreams.sendOnce(null, new byte[256 * 1024], port::set));
            var data = cap.segments().stream()
                    .filter(s -> (s.srcPort() == port.get() || s.dstPort() == port.get())
                            && s.protocol() == 6
                            && s.payloadLength() > 0
                            && !s.outgoing())
                    .toList();
            long
                    valid =
                            data.stream()
                                    .filter(LoCapture.Segment::l4ChecksumValid)
                                    .count(),
                    ipValid =
                            data.stream()
                                    .filter(LoCapture.Segment::ipChecksumValid)
                                    .count();
            validShare = data.isEmpty() ? Double.NaN : valid / (double) data.size();
            ev.add(String.format(
                    "captured data segments on lo: %d (%d frames dropped by the capture socket); TCP checksum field valid in %d (%s), IPv4 header checksum valid in %d",
                    data.size(),
                    cap.dropped(),
                    valid,
                    valid == 0
                            ? "the field holds only the pseudo-header seed: the payload checksum is never computed (CHECKSUM_PARTIAL, nobody completes it)"
                            : "computed",
                    ipValid));
        } else {
            ev.add("capture not run: " + why);
        }
        ev.add(RULE.evidence());
        Verdict v = judge(exists);
        if (exists) {
            o.verdict(
                    KernelEvidence.notTestable(
                            ctx,
                            "FAIL-2",
                            Lack.HOST_POLICY,
                            "This kernel has a tcp_checksum sysctl; the workbench does not change host sysctls, so its effect is not measured."));
            return o;
        }
        o.verdict(ctx.judged("FAIL-2", v)
                .summary("There is no tcp_checksum setting to set: no such sysctl exists under /proc/sys"
                        + (Double.isNaN(validShare)
                                ? "."
                                : String.format(
                                        ", and lo computes no TCP checksum to begin with (%.0f %% of captured segments carry a valid one).",
                                        100 * validShare)))
                .measured(
                        Double.isNaN(validShare) ? null : validShare,
                        "share of lo TCP segments with a computed checksum")
                .evidence(ev)
                .build());
        return o;
    }
}

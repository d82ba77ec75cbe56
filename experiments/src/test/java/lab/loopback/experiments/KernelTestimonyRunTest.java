package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.Tracefs;
import lab.loopback.netns.PathCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The done-when: a quick run of sections 01, 02, 03 and 06 judges each of their claims, with figures. */
class KernelTestimonyRunTest {
    static final List<String> CLAIMS = List.of(
            "TLDR-1", "TLDR-2", "TLDR-3", "HIST-1", "HIST-2", "FAST-1", "FAST-2", "FAST-3", "PATH-1", "PATH-2",
            "PATH-3", "PATH-4");

    @Test
    void sectionsOneTwoThreeAndSixAreJudgedWithFigures(@TempDir Path out) throws IOException {
        var r = RunAssertions.quickRun(out, "01", "02", "03", "06");
        Map<String, ClaimVerdict> byId = RunAssertions.judgedWhereJudgeable(r.verdicts(), CLAIMS);
        RunAssertions.rejudgingReproduces(r.runDir());
        boolean tracing = Tracefs.locate(false).available();
        Path run = r.runDir();
        for (String exp : List.of("loopback-path", "copy-count", "kernel-symbols", "route-lookups", "wake-up")) {
            assertTrue(Files.isRegularFile(run.resolve(exp).resolve("verdicts.json")), exp);
        }
        if (tracing) {
            for (String fig : List.of(
                    "loopback-path/layers-per-segment.png",
                    "loopback-path/segment-sizes.png",
                    "copy-count/copies-per-byte.png",
                    "wake-up/one-write-timeline.png",
                    "wake-up/wake-up-cdf.png",
                    "route-lookups/route-lookups.png",
                    "kernel-symbols/kernel-symbols.png")) {
                assertTrue(Files.size(run.resolve(fig)) > 1000, fig);
            }
            // the kernel's own numbers, not the rules' thresholds: every received byte was copied once
            assertEquals(
                    Verdict.REFUTED,
                    byId.get("TLDR-2").verdict(),
                    byId.get("TLDR-2").summary());
        }
        // the wake-up's times per placement of the two threads, never pooled
        assertEquals(RunAssertions.placements(), RunAssertions.values(run, "wake-up", "one-way", "placement"));
        if (tracing) {
            assertEquals(RunAssertions.placements(), RunAssertions.values(run, "wake-up", "wake-split", "placement"));
            // each traced message says where its sk_data_ready ran, ksoftirqd included in the trace's filter
            List<String> readyIn = RunAssertions.values(run, "wake-up", "breakdown", "ready_in");
            assertTrue(
                    !readyIn.isEmpty()
                            && List.of("sender", "ksoftirqd", "reader", "not traced")
                                    .containsAll(readyIn),
                    readyIn.toString());
            // and the bulk transfer's path, per context, in the fixed order
            assertEquals(
                    List.of("sender", "receiver", "ksoftirqd"),
                    RunAssertions.values(run, "loopback-path", "path-contexts", "context"));
            // and once per placement, pinned, never pooled
            assertEquals(
                    RunAssertions.placements(),
                    RunAssertions.values(run, "loopback-path", "path-contexts-by-placement", "placement"));
            assertTrue(
                    byId.get("PATH-1").evidence().stream().anyMatch(e -> e.contains("sent / handed up")),
                    byId.get("PATH-1").evidence().toString());
        }
        // every condition FAST-3 names is either measured or listed with the reason it could not be set up here
        List<String> measured = RunAssertions.values(run, "fast-path-conditions", "conditions", "condition");
        List<String> notRun = RunAssertions.values(run, "fast-path-conditions", "not-run", "condition");
        for (PathCondition pc : PathCondition.values())
            assertTrue(
                    measured.contains(pc.label() + " (private namespace)") || notRun.contains(pc.label()),
                    pc + " neither measured nor explained: " + measured + " / " + notRun);
        String report = Files.readString(run.resolve("report.html"));
        for (String id : CLAIMS) assertTrue(report.contains(id), id + " in the report");
    }
}

package lab.loopback.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.report.ComparisonReport;
import lab.loopback.result.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs lined up by claim: agreement per claim, refusal of what is not a finished run, the written comparison. */
class RunComparisonTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    /** A finished run directory holding only what a comparison reads. */
    static Path run(Path root, String name, String host, Map<String, Verdict> verdicts) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        RunStore.JSON.writeValue(
                dir.resolve("host.json").toFile(), Map.of("hostId", host, "kernelRelease", "6.18-test"));
        RunStore.JSON.writeValue(dir.resolve("run.json").toFile(), Map.of("runId", name, "profile", "quick"));
        List<ClaimVerdict> vs = new ArrayList<>();
        verdicts.forEach((id, v) -> vs.add(new ClaimVerdict(
                id,
                v,
                "because " + id,
                v == Verdict.NOT_TESTABLE_HERE ? null : 2.0,
                null,
                null,
                4.0,
                "x",
                List.of(),
                host)));
        RunStore.JSON.writeValue(dir.resolve("verdicts.json").toFile(), vs);
        return dir;
    }

    @Test
    void agreementIsJudgedOnlyAmongRunsThatJudged(@TempDir Path tmp) throws IOException {
        Path a = run(
                tmp,
                "a",
                "host-a",
                Map.of(
                        "PERF-1",
                        Verdict.REFUTED,
                        "TLDR-1",
                        Verdict.SUPPORTED,
                        "ZC-1",
                        Verdict.NOT_TESTABLE_HERE,
                        "IPC-1",
                        Verdict.REFUTED));
        Path b = run(
                tmp,
                "b",
                "host-b",
                Map.of("PERF-1", Verdict.HOST_DEPENDENT, "TLDR-1", Verdict.SUPPORTED, "ZC-1", Verdict.REFUTED));
        RunComparison cmp = RunComparison.of(LEDGER, List.of(a, b));
        Map<String, Agreement> byId = new HashMap<>();
        cmp.rows().forEach(r -> byId.put(r.claim().id(), r.agreement()));
        assertEquals(Agreement.DIFFERS, byId.get("PERF-1"));
        assertEquals(Agreement.SAME, byId.get("TLDR-1"));
        assertEquals(Agreement.NOT_COMPARABLE, byId.get("ZC-1"), "not testable on one host is no disagreement");
        assertEquals(Agreement.NOT_COMPARABLE, byId.get("IPC-1"), "judged by one run only");
        assertEquals(LEDGER.claims().size(), cmp.rows().size(), "every ledger claim has a row");
        assertEquals(
                List.of("PERF-1"),
                cmp.differing().stream().map(r -> r.claim().id()).toList());
        String text = cmp.text();
        assertTrue(
                text.contains("PERF-1")
                        && text.contains("<- differs")
                        && text.contains("host-a")
                        && text.contains("host-b"),
                text);
        assertTrue(text.contains("1 differ: PERF-1"), text);
        assertEquals(
                List.of("claim", "section", "run 1", "run 2", "agreement"),
                cmp.table().columnNames());
    }

    @Test
    void onlyFinishedRunsAreCompared(@TempDir Path tmp) throws IOException {
        Path a = run(tmp, "a", "h", Map.of("PERF-1", Verdict.REFUTED));
        Path partial = run(tmp, "b" + RunStore.PARTIAL, "h", Map.of());
        Path noVerdicts = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunComparison.of(LEDGER, List.of(a, partial)))
                .getMessage()
                .contains("incomplete run"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunComparison.of(LEDGER, List.of(noVerdicts)))
                .getMessage()
                .contains("no verdicts.json"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> RunComparison.of(LEDGER, List.of(tmp.resolve("nope"))))
                .getMessage()
                .contains("does not exist"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> RunComparison.of(LEDGER, List.of(a, tmp.resolve("a/../a"))))
                .getMessage()
                .contains("given twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunComparison.of(LEDGER, List.of()))
                .getMessage()
                .contains("at least one"));
    }

    @Test
    void runsOfDifferentHostsOrKernelsAreSaidToBe(@TempDir Path tmp) throws IOException {
        Path a = run(tmp, "a", "host-a", Map.of("PERF-1", Verdict.REFUTED));
        Path a2 = run(tmp, "a2", "host-a", Map.of("PERF-1", Verdict.REFUTED));
        assertTrue(RunComparison.of(LEDGER, List.of(a, a2)).mixture().isEmpty(), "one host, one kernel");
        assertFalse(RunComparison.of(LEDGER, List.of(a, a2)).text().contains("warning:"));
        Path b = run(tmp, "b", "host-b", Map.of("PERF-1", Verdict.REFUTED));
        RunComparison two = RunComparison.of(LEDGER, List.of(a, b));
        assertTrue(
                two.text().startsWith("warning: these runs come from 2 host(s) [host-a, host-b] and 1 kernel(s)"),
                two.text());
        Path out = tmp.resolve("cmp");
        assertTrue(
                Files.readString(ComparisonReport.write(two, List.of(), out)).contains("<b>Warning:</b> these runs"));
        // the same host on another kernel is another population too
        RunStore.JSON.writeValue(
                a2.resolve("host.json").toFile(), Map.of("hostId", "host-a", "kernelRelease", "5.10-test"));
        assertTrue(
                RunComparison.of(LEDGER, List.of(a, a2)).mixture().orElseThrow().contains("2 kernel(s)"));
    }

    @Test
    void theWrittenComparisonHoldsTableFiguresAndPage(@TempDir Path tmp) throws IOException {
        Path a = run(tmp, "a", "host-a", Map.of("PERF-1", Verdict.REFUTED, "IPC-1", Verdict.REFUTED));
        Path b = run(tmp, "b", "host-b", Map.of("PERF-1", Verdict.SUPPORTED, "IPC-1", Verdict.REFUTED));
        RunComparison cmp = RunComparison.of(LEDGER, List.of(a, b));
        Path out = tmp.resolve("cmp");
        Path html = ComparisonReport.write(
                cmp, ComparisonFigures.ratios(cmp).stream().toList(), out);
        String page = Files.readString(html);
        assertTrue(page.contains("1 claim(s) judged differently: PERF-1"), page);
        assertTrue(page.contains("data:image/png;base64,"), "the ratio figure is embedded");
        assertTrue(Files.isRegularFile(out.resolve("measured-over-claimed.png")));
        assertTrue(
                ComparisonFigures.bySize(cmp, "x/none.csv", t -> new TreeMap<>(), "n", List.of(), "t", "v", "c")
                        .isEmpty(),
                "no run holds the table, so there is no such figure");
        List<String> csv = Files.readAllLines(out.resolve("comparison.csv"));
        assertEquals(LEDGER.claims().size() + 1, csv.size());
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("PERF-1,") && l.endsWith(",DIFFERS")), csv.toString());
        try (var s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void ratiosNeedTwoPositiveNumbers() {
        assertEquals(
                0.5,
                ComparisonFigures.ratio(
                        new ClaimVerdict("X-1", Verdict.REFUTED, "s", 2.0, null, null, 4.0, "u", List.of(), "h")));
        assertEquals(
                null,
                ComparisonFigures.ratio(
                        new ClaimVerdict("X-1", Verdict.REFUTED, "s", 2.0, null, null, 0.0, "u", List.of(), "h")));
        assertEquals(
                null,
                ComparisonFigures.ratio(
                        new ClaimVerdict("X-1", Verdict.REFUTED, "s", null, null, null, 4.0, "u", List.of(), "h")));
        assertEquals(null, ComparisonFigures.ratio(null));
    }
}

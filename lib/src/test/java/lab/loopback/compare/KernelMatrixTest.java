package lab.loopback.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.Releases;
import lab.loopback.report.ComparisonReport;
import lab.loopback.result.RunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class KernelMatrixTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    /** A run of {@code kernel}, on a host (accel null) or in a guest. */
    private static Path run(Path root, String name, String kernel, String accel, Map<String, Verdict> verdicts)
            throws IOException {
        Path dir = RunComparisonTest.run(root, name, "host-" + name, verdicts);
        RunStore.JSON.writeValue(
                dir.resolve("host.json").toFile(),
                accel == null
                        ? Map.of("hostId", "host-" + name, "kernelRelease", kernel)
                        : Map.of(
                                "hostId",
                                "host-" + name,
                                "kernelRelease",
                                kernel,
                                "guest",
                                Map.of("accelerator", accel)));
        return dir;
    }

    @Test
    void testimonyClaimsAreLinedUpByKernelOldestFirstWithWhereEachRan(@TempDir Path tmp) throws IOException {
        Path host = run(tmp, "h", "6.18.44-fc", null, Map.of("URING-1", Verdict.REFUTED, "PERF-1", Verdict.REFUTED));
        Path g61 = run(tmp, "g61", "6.1.0-57-cloud-amd64", "tcg", Map.of("URING-1", Verdict.REFUTED));
        Path g510 = run(
                tmp,
                "g510",
                "5.10.0-46-cloud-amd64",
                "tcg",
                Map.of("URING-1", Verdict.REFUTED, "URING-3", Verdict.NOT_TESTABLE_HERE));
        RunComparison cmp = RunComparison.of(LEDGER, List.of(host, g61, g510));
        assertTrue(KernelMatrix.applies(cmp));
        Table t = KernelMatrix.table(cmp);
        assertEquals(
                List.of(
                        "claim",
                        "Linux 5.10.0-46-cloud-amd64 (guest, TCG)",
                        "Linux 6.1.0-57-cloud-amd64 (guest, TCG)",
                        "Linux 6.18.44-fc (host)"),
                t.columnNames());
        assertEquals(
                List.of("URING-1", "URING-3"), t.stringColumn("claim").asList(), "testimony claims some run judged");
        assertEquals("REFUTED · 2 x", t.getString(0, 1));
        assertEquals("NOT_TESTABLE_HERE", t.getString(1, 1));
        assertEquals("NOT_YET_MEASURED", t.getString(1, 2), "a run that did not select it");
        String text = cmp.text();
        assertTrue(text.contains("Across kernels"), text);
        assertTrue(text.indexOf("5.10.0-46 (guest)") < text.indexOf("6.1.0-57 (guest)"), text);
        assertTrue(KernelMatrix.figure(cmp).isPresent());

        Path out = tmp.resolve("cmp");
        String page = Files.readString(
                ComparisonReport.write(cmp, List.of(KernelMatrix.figure(cmp).orElseThrow()), out));
        assertTrue(page.contains("<h2>Across kernels</h2>"), page);
        assertTrue(page.contains("5.10.0-46-cloud-amd64 (guest, TCG)"), page);
        assertTrue(Files.readString(out.resolve("kernel-matrix.csv"))
                .startsWith("claim,\"Linux 5.10.0-46-cloud-amd64 (guest, TCG)\""));
        assertTrue(Files.isRegularFile(out.resolve("kernel-matrix.png")));
    }

    @Test
    void oneKernelHasNoMatrix(@TempDir Path tmp) throws IOException {
        Path a = run(tmp, "a", "6.18.44-fc", null, Map.of("URING-1", Verdict.REFUTED));
        Path b = run(tmp, "b", "6.18.44-fc", null, Map.of("URING-1", Verdict.REFUTED));
        RunComparison cmp = RunComparison.of(LEDGER, List.of(a, b));
        assertFalse(KernelMatrix.applies(cmp));
        assertTrue(KernelMatrix.figure(cmp).isEmpty());
        assertFalse(cmp.text().contains("Across kernels"));
        ComparisonReport.write(cmp, List.of(), tmp.resolve("cmp"));
        assertFalse(Files.exists(tmp.resolve("cmp/kernel-matrix.csv")));
    }

    @Test
    void releasesAreOrderedByTheirNumbers() {
        assertTrue(Releases.compare("5.10.0-46-cloud-amd64", "6.1.0-57-cloud-amd64") < 0);
        assertTrue(Releases.compare("6.1.0-57-cloud-amd64", "6.12.118+deb12-cloud-amd64") < 0);
        assertTrue(Releases.compare("6.12.118+deb12-cloud-amd64", "6.18.44-fc-v1147") < 0);
    }
}

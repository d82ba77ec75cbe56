package lab.loopback.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reference run is a finished run, trimmed, under its host id; an older one of the same host is replaced whole. */
class ReferenceRunsTest {
    private static Path fakeRun(Path root, String name, String host) throws IOException {
        Path run = Files.createDirectories(root.resolve(name));
        RunStore.JSON.writeValue(run.resolve("host.json").toFile(), Map.of("hostId", host));
        Files.writeString(run.resolve("verdicts.json"), "[]");
        Files.writeString(run.resolve("report.html"), "<html>");
        Path exp = Files.createDirectories(run.resolve("stream-throughput"));
        Files.writeString(exp.resolve("java-trials.csv"), "a,b\n1,2\n");
        Files.write(exp.resolve("throughput.png"), new byte[] {1, 2, 3});
        Files.writeString(exp.resolve("throughput.svg"), "<svg/>");
        Files.writeString(exp.resolve("figures.json"), "[]");
        Files.writeString(Files.createDirectories(run.resolve("notebooks")).resolve("07-performance.html"), "<html>");
        return run;
    }

    @Test
    void exportKeepsDataAndFiguresUnderTheHostId(@TempDir Path tmp) throws IOException {
        Path run = fakeRun(tmp, "20260101-000000-quick", "host-a");
        Files.createSymbolicLink(tmp.resolve("latest"), run.getFileName());
        Path refs = tmp.resolve("reference");
        Path ref = ReferenceRuns.export(tmp.resolve("latest"), refs);
        assertEquals(refs.resolve("host-a"), ref);
        for (String kept : List.of(
                "host.json",
                "verdicts.json",
                "stream-throughput/java-trials.csv",
                "stream-throughput/throughput.png",
                "stream-throughput/figures.json")) {
            assertTrue(Files.isRegularFile(ref.resolve(kept)), kept);
        }
        for (String dropped : List.of("report.html", "stream-throughput/throughput.svg", "notebooks"))
            assertFalse(Files.exists(ref.resolve(dropped)), dropped);

        // a newer run of the same host replaces the old reference whole; nothing temporary is left
        Path newer = fakeRun(tmp, "20260102-000000-quick", "host-a");
        Files.delete(newer.resolve("stream-throughput/java-trials.csv"));
        ReferenceRuns.export(newer, refs);
        assertFalse(
                Files.exists(ref.resolve("stream-throughput/java-trials.csv")), "the old reference's files are gone");
        try (var s = Files.list(refs)) {
            assertEquals(
                    List.of("host-a"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void onlyFinishedRunsBecomeReferences(@TempDir Path tmp) throws IOException {
        Path partial = fakeRun(tmp, "x" + RunStore.PARTIAL, "h");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReferenceRuns.export(partial, tmp.resolve("r")))
                .getMessage()
                .contains("incomplete"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReferenceRuns.export(empty, tmp.resolve("r")))
                .getMessage()
                .contains("not a finished run"));
        Path badHost = fakeRun(tmp, "y", "../../etc");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReferenceRuns.export(badHost, tmp.resolve("r")))
                .getMessage()
                .contains("not a usable directory name"));
        assertFalse(Files.exists(tmp.resolve("r/h")));
    }

    @Test
    void underListsOnlyRunsWithVerdicts(@TempDir Path tmp) throws IOException {
        Path refs = Files.createDirectories(tmp.resolve(ReferenceRuns.DIR));
        fakeRun(refs, "host-b", "host-b");
        fakeRun(refs, "host-a", "host-a");
        Files.createDirectories(refs.resolve("not-a-run"));
        assertEquals(List.of(refs.resolve("host-a"), refs.resolve("host-b")), ReferenceRuns.under(tmp));
        assertEquals(List.of(), ReferenceRuns.under(tmp.resolve("nowhere")));
    }

    private static void finished(Path ref, String at, int claims) throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= claims; i++) ids.add("C-" + i);
        RunStore.JSON.writeValue(
                ref.resolve("run.json").toFile(),
                Map.of(
                        "runId",
                        "r",
                        "profile",
                        "standard",
                        "startedAt",
                        at,
                        "finishedAt",
                        at,
                        "seconds",
                        1.0,
                        "selectedClaims",
                        ids,
                        "experiments",
                        List.of(),
                        "failures",
                        List.of(),
                        "command",
                        "lab run"));
    }

    /** Notebooks fall back on the newest run among those that judged the most claims, never on a guest's partial one. */
    @Test
    void theFallbackIsTheNewestFullRun(@TempDir Path tmp) throws IOException {
        Path refs = Files.createDirectories(tmp.resolve(ReferenceRuns.DIR));
        Path old = fakeRun(refs, "amd-a", "amd-a"), newer = fakeRun(refs, "amd-b", "amd-b");
        Path guest = fakeRun(refs, "qemu-c", "qemu-c"), unreadable = fakeRun(refs, "aaa", "aaa");
        finished(old, "2026-12-02T16:12:04.627944083Z", 45);
        finished(newer, "2026-12-03T13:00:41.5Z", 45);
        finished(guest, "2026-12-04T00:00:00Z", 23); // newer, but judged only the testimony claims
        // "aaa" has no run.json: first by name, yet never chosen over a readable full run
        List<Path> all = ReferenceRuns.under(tmp);
        assertEquals(unreadable, all.getFirst());
        assertEquals(newer, ReferenceRuns.fallback(all));
        assertEquals(old, ReferenceRuns.fallback(List.of(old, guest, unreadable)));
        assertEquals(unreadable, ReferenceRuns.fallback(List.of(unreadable)), "nothing readable: the first");
        assertEquals(null, ReferenceRuns.fallback(List.of()));
    }
}

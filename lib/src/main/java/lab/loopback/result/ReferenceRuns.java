package lab.loopback.result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reference runs: finished runs committed under data/reference/HOST-ID/, so a notebook on a host that cannot
 * measure something can still show what a real host measured — always labelled as such. Exported trimmed (no
 * SVG twins, no report or notebooks: a few MiB) and atomically (a half-copied reference never appears).
 */
public final class ReferenceRuns {
    public static final String DIR = "data/reference";
    /** Kept: what the notebooks, the report and ./lab compare read back. Left out: SVG twins of the PNGs, report.html, notebooks/. */
    static final List<String> KEPT = List.of(".csv", ".png", ".json");

    private ReferenceRuns() {}

    /** The reference runs committed under {@code labHome}, in name order (none when there are none). */
    public static List<Path> under(Path labHome) {
        Path root = labHome.resolve(DIR);
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("verdicts.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The reference a notebook falls back on, among {@code refs}: the newest of the runs that judged the most claims
     * (a host's full run, not a guest's run of the testimony claims), by run.json's finish time — so the tables and
     * figures borrowed are those of the newest code that measured everything; null when there is none. A reference
     * without a readable run.json counts as judging nothing.
     */
    public static Path fallback(List<Path> refs) {
        Path best = null;
        RunInfo bestInfo = null;
        for (Path ref : refs) {
            RunInfo info;
            try {
                info = RunStore.runInfo(ref);
            } catch (RuntimeException unreadable) {
                continue;
            }
            if (bestInfo == null || fuller(info, bestInfo)) {
                best = ref;
                bestInfo = info;
            }
        }
        return best != null ? best : refs.isEmpty() ? null : refs.getFirst();
    }

    /** More claims judged, or as many and finished later. */
    private static boolean fuller(RunInfo a, RunInfo b) {
        int byClaims =
                Integer.compare(a.selectedClaims().size(), b.selectedClaims().size());
        if (byClaims != 0) return byClaims > 0;
        return finished(a).isAfter(finished(b));
    }

    /** When a run finished; the distant past when run.json does not say in ISO-8601. */
    private static Instant finished(RunInfo r) {
        try {
            return Instant.parse(r.finishedAt());
        } catch (RuntimeException e) {
            return Instant.MIN;
        }
    }

    /** The reference runs of the project named by LAB_HOME, or none outside the project. */
    public static List<Path> fromEnvironment() {
        String home = System.getenv("LAB_HOME");
        return home == null || home.isBlank() ? List.of() : under(Path.of(home));
    }

    /** Copies the finished run {@code runDir} to {@code root}/HOST-ID/, replacing an older reference of that host. */
    public static Path export(Path given, Path root) {
        Path runDir = RunStore.finishedRun(
                given); // resolved: the walk below must start at the run itself, not at results/latest
        Map<?, ?> host = RunStore.readJson(
                runDir.resolve("host.json"), new com.fasterxml.jackson.core.type.TypeReference<Map<?, ?>>() {});
        String hostId = String.valueOf(host.get("hostId"));
        if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))
            throw new IllegalArgumentException(
                    "host id '" + hostId + "' of " + runDir + " is not a usable directory name");
        Path target = root.resolve(hostId);
        Path tmp = root.resolve("." + hostId + ".tmp");
        try {
            Files.createDirectories(root);
            AtomicFiles.deleteTree(tmp);
            Files.createDirectories(tmp);
            try (Stream<Path> s = Files.walk(runDir)) {
                for (Path p : s.toList()) {
                    Path rel = runDir.relativize(p);
                    if (rel.toString().isEmpty()) continue;
                    if (rel.getName(0).toString().equals("notebooks")) continue;
                    Path t = tmp.resolve(rel.toString());
                    if (Files.isDirectory(p)) Files.createDirectories(t);
                    else if (KEPT.stream()
                            .anyMatch(ext -> p.getFileName().toString().endsWith(ext))) Files.copy(p, t);
                }
            }
            Path old = root.resolve("." + hostId + ".old");
            AtomicFiles.deleteTree(old);
            if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteTree(old);
            return target;
        } catch (IOException e) {
            AtomicFiles.deleteTree(tmp);
            throw new UncheckedIOException("cannot export " + runDir + " to " + target + ": " + e.getMessage(), e);
        }
    }
}

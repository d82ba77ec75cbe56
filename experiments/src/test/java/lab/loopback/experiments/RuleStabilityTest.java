package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.Conditions;
import lab.loopback.result.RecordTable;
import org.junit.jupiter.api.Test;

/**
 * The stability check of the verdict rules, without timing anything: three consecutive quick runs of one host,
 * recorded under {@code src/test/resources/stability/HOST/run-N} (only the tables the rules read), are judged again
 * with today's rules. Every rule that decides on a timing comparison must give all three runs the same verdict, and
 * the verdict each run recorded (so the tables hold everything the decision used). A rule tightened until it splits
 * these runs fails here; a deliberate rule change needs three fresh runs recorded (README, "Stability").
 */
class RuleStabilityTest {
    static final Path ROOT = Path.of("src/test/resources/stability");

    static List<Path> hosts() throws IOException {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static List<Path> runs(Path host) throws IOException {
        try (Stream<Path> s = Files.list(host)) {
            return s.filter(p -> p.getFileName().toString().startsWith("run-"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void threeRecordedRunsGetTheSameVerdictFromEveryTimingRule() throws IOException {
        List<Path> hosts = hosts();
        assertTrue(!hosts.isEmpty(), "no recorded runs under " + ROOT.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        for (Path host : hosts) {
            List<Path> runs = runs(host);
            assertEquals(3, runs.size(), host + " must hold three consecutive runs");
            for (String claim : RecordedVerdicts.CLAIMS) {
                List<Verdict> now = new ArrayList<>();
                for (Path run : runs) {
                    Verdict v = RecordedVerdicts.today(run, claim), then = RecordedVerdicts.recorded(run, claim);
                    if (v != then)
                        problems.add(String.format(
                                "%s %s: the run recorded %s, today's rule says %s", run.getFileName(), claim, then, v));
                    now.add(v);
                }
                if (now.stream().distinct().count() > 1)
                    problems.add(host.getFileName() + " " + claim + " flips across the three runs: " + now);
            }
        }
        if (!problems.isEmpty()) fail(String.join("\n", problems));
    }

    @Test
    void theRecomputationSeesAChangedMeasurement() throws IOException {
        // guards the check itself: FAIL-3 on a copy of run-1 with veth's rounds moved to the other side of lo's must
        // flip
        Path run = runs(hosts().getFirst()).getFirst();
        Verdict recorded = RecordedVerdicts.recorded(run, "FAIL-3");
        assertTrue(
                recorded != Verdict.SUPPORTED,
                "the guard expects lo and veth on the same copy path, as on every host measured so far");
        double factor = recorded == Verdict.PARTLY_TRUE ? 1.5 : 0.5;
        Path copy = Files.createTempDirectory("stability-");
        try {
            Path dir = Files.createDirectories(copy.resolve("veth-versus-lo"));
            for (String f : RecordedVerdicts.FILES.get("veth-versus-lo"))
                Files.copy(run.resolve("veth-versus-lo").resolve(f), dir.resolve(f));
            List<Conditions.Trial> trials = RecordedVerdicts.trials(copy, "veth-versus-lo");
            String lo = trials.getFirst().condition();
            List<Conditions.Trial> faster = trials.stream()
                    .map(t -> t.condition().equals(lo)
                            ? t
                            : new Conditions.Trial(
                                    t.condition(),
                                    t.round(),
                                    trials.stream()
                                                    .filter(b -> b.condition().equals(lo) && b.round() == t.round())
                                                    .findFirst()
                                                    .orElseThrow()
                                                    .gbitPerSecond()
                                            * factor,
                                    t.senderCpuNsPerByte(),
                                    t.bytes(),
                                    t.looks()))
                    .toList();
            RecordTable.of("trials", Conditions.Trial.class, faster)
                    .write()
                    .csv(dir.resolve("trials.csv").toFile());
            assertEquals(
                    recorded == Verdict.PARTLY_TRUE ? Verdict.REFUTED : Verdict.PARTLY_TRUE,
                    RecordedVerdicts.today(copy, "FAIL-3"));
        } finally {
            try (Stream<Path> s = Files.walk(copy)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }
}

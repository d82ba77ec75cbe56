package lab.loopback.experiments;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.Conditions;
import lab.loopback.result.RecordTable;
import lab.loopback.result.RunStore;
import lab.loopback.workbench.Experiments;
import lab.loopback.workbench.Recorded;
import tech.tablesaw.api.Table;

/**
 * The verdicts of the rules that decide on timing or CPU comparisons and flipped between quick runs at some point
 * (before their rules were widened or, for ZC-1, before the CPU accounting was fixed), recomputed with today's rules —
 * the same {@link RecordedRules} {@code ./lab rejudge} applies — from the tables a finished run stored. The files each
 * needs are in {@link #FILES}; {@code scripts/record-stability-runs} copies exactly those out of three runs.
 */
final class RecordedVerdicts {
    /**
     * The claims whose rules decide on a timing or CPU comparison (MORE-1..3 are topics, EXPLORED whatever the data;
     * their findings are tested in IpcRulesTest).
     */
    static final List<String> CLAIMS =
            List.of("FAIL-1", "FAIL-3", "FAIL-4", "FAIL-5", "VETH-1", "IPC-1", "IPC-2", "ZC-1");
    /** Per experiment, the files the recomputation reads (verdicts.json: what the run itself decided). */
    static final Map<String, List<String>> FILES = files();

    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    /** stability/files.txt: "experiment file..." per line, # comments; the one list the recording script reads too. */
    private static Map<String, List<String>> files() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (InputStream in = RecordedVerdicts.class.getResourceAsStream("/stability/files.txt")) {
            if (in == null) throw new IllegalStateException("stability/files.txt is not on the test classpath");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList()) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] w = l.split("\\s+");
                out.put(w[0], List.of(w).subList(1, w.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(out);
    }

    private RecordedVerdicts() {}

    /** What today's rule says of {@code claim} from the tables of {@code run}. */
    static Verdict today(Path run, String claim) {
        Recorded r = new Recorded(
                LEDGER.claim(claim),
                recordedVerdict(run, claim),
                RunStore.load(run, Experiments.forClaim(claim).name()),
                run);
        return RecordedRules.ALL.get(claim).judge(r).verdict();
    }

    /** The verdict the run itself recorded for {@code claim}. */
    static Verdict recorded(Path run, String claim) {
        return recordedVerdict(run, claim).verdict();
    }

    private static ClaimVerdict recordedVerdict(Path run, String claim) {
        for (String experiment : FILES.keySet()) {
            Path f = run.resolve(experiment).resolve("verdicts.json");
            if (!Files.isRegularFile(f)) continue;
            for (ClaimVerdict v : RunStore.readJson(f, new TypeReference<ArrayList<ClaimVerdict>>() {})) {
                if (v.claim().equals(claim)) return v;
            }
        }
        throw new IllegalArgumentException(run + " recorded no verdict for " + claim);
    }

    /** A conditions experiment's recorded trials, read as a re-judging reads them. */
    static List<Conditions.Trial> trials(Path run, String experiment) {
        return Conditions.trials(
                Table.read().csv(run.resolve(experiment).resolve("trials.csv").toFile()));
    }

    static <R extends Record> List<R> rows(Path run, String experiment, String table, Class<R> type) {
        return RecordTable.rows(
                Table.read().csv(run.resolve(experiment).resolve(table + ".csv").toFile()), type);
    }
}

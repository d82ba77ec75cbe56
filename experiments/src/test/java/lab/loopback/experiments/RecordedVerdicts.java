package lab.loopback.experiments;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.RecordTable;
import lab.loopback.result.RunStore;
import tech.tablesaw.api.Table;

/**
 * The verdicts of the rules that decide on timing or CPU comparisons and flipped between quick runs at some point
 * (before their rules were widened or, for ZC-1, before the CPU accounting was fixed), recomputed with today's rules —
 * the same {@link RecordedRules} {@code ./lab rejudge} applies — from the tables a finished run stored. The files each
 * needs are in {@link #FILES}; {@code scripts/record-stability-runs} copies exactly those out of three runs.
 */
final class RecordedVerdicts {
    /** The claims whose rules decide on a timing or CPU comparison. */
    static final List<String> CLAIMS = List.of(
            "FAIL-1", "FAIL-3", "FAIL-4", "FAIL-5", "VETH-1", "MORE-1", "MORE-2", "MORE-3", "IPC-1", "IPC-2", "ZC-1");
    /** Per experiment, the files the recomputation reads (verdicts.json: what the run itself decided). */
    static final Map<String, List<String>> FILES = new LinkedHashMap<>();

    private static final ClaimLedger LEDGER = ClaimLedger.bundled();

    static {
        FILES.put("netfilter-rules", List.of("trials.csv", "summary.csv", "verdicts.json"));
        FILES.put("veth-versus-lo", List.of("trials.csv", "summary.csv", "latency.csv", "verdicts.json"));
        FILES.put("congestion-modules", List.of("trials.csv", "summary.csv", "verdicts.json"));
        FILES.put("blocking-modes", List.of("trials.csv", "summary.csv", "verdicts.json"));
        FILES.put("wait-modes", List.of("modes.csv", "verdicts.json"));
        FILES.put("fast-open", List.of("modes.csv", "counters.csv", "verdicts.json"));
        FILES.put("ipc-shootout", List.of("throughput.csv", "latency.csv", "verdicts.json"));
        FILES.put("unix-versus-tcp", List.of("verdicts.json"));
        FILES.put("zero-copy-techniques", List.of("techniques.csv", "verdicts.json"));
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

    static <R extends Record> List<R> rows(Path run, String experiment, String table, Class<R> type) {
        return RecordTable.rows(
                Table.read().csv(run.resolve(experiment).resolve(table + ".csv").toFile()), type);
    }
}

package lab.loopback.experiments;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.RecordTable;
import lab.loopback.result.RunStore;
import tech.tablesaw.api.Table;

/**
 * The verdicts of the rules that decide on timing or CPU comparisons and flipped between quick runs at some point
 * (before their rules were widened or, for ZC-1, before the CPU accounting was fixed), recomputed with today's rules
 * from the tables a finished run stored. The files each
 * needs are in {@link #FILES}; {@code scripts/record-stability-runs} copies exactly those out of three runs.
 */
final class RecordedVerdicts {
    /** Per claim, the experiment whose stored tables decide it, and how. */
    static final Map<String, Function<Path, Verdict>> RULES = new LinkedHashMap<>();
    /** Per experiment, the files the recomputation reads (verdicts.json: what the run itself decided). */
    static final Map<String, List<String>> FILES = new LinkedHashMap<>();

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

        RULES.put("FAIL-1", run -> Conditions.degradeVerdict(conditions(run, "netfilter-rules")));
        RULES.put("FAIL-3", run -> Conditions.degradeVerdict(conditions(run, "veth-versus-lo")));
        RULES.put("FAIL-4", run -> Conditions.degradeVerdict(conditions(run, "congestion-modules"), true));
        RULES.put(
                "FAIL-5",
                run -> BlockingModes.judge(
                        conditions(run, "blocking-modes"),
                        BlockingModes.mixing(rows(run, "blocking-modes", "trials", Conditions.Trial.class))));
        RULES.put("VETH-1", run -> {
            List<VethVersusLo.Latency> lat = rows(run, "veth-versus-lo", "latency", VethVersusLo.Latency.class);
            return VethVersusLo.judgeVeth(conditions(run, "veth-versus-lo").get(1), lat.get(0), lat.get(1));
        });
        RULES.put("MORE-1", run -> {
            return WaitModes.judge(rows(run, "wait-modes", "modes", WaitModes.Row.class).stream()
                    .filter(r -> r.mode().equals("EPOLL"))
                    .findFirst()
                    .orElseThrow());
        });
        RULES.put("MORE-2", run -> UnixVersusTcp.judge(UnixVersusTcp.wins(ipc(run))));
        RULES.put("MORE-3", run -> {
            List<FastOpen.Mode> modes = rows(run, "fast-open", "modes", FastOpen.Mode.class);
            long active = rows(run, "fast-open", "counters", FastOpen.Counter.class).stream()
                    .filter(c -> c.counter().equals("TcpExt.TCPFastOpenActive"))
                    .mapToLong(FastOpen.Counter::delta)
                    .sum();
            return FastOpen.judge(modes.get(1), active);
        });
        RULES.put("IPC-1", run -> {
            IpcData.Result d = ipc(run);
            return IpcShootout.judgeBeatsAll(IpcShootout.RIVALS.stream()
                    .filter(d::has)
                    .map(r -> IpcShootout.duel(d, r))
                    .toList());
        });
        RULES.put("IPC-2", run -> IpcShootout.judgeBasicallyShm(IpcShootout.ringRatios(ipc(run))));
        RULES.put(
                "ZC-1",
                run -> ZeroCopyTechniques.judgeZc1(ZeroCopyTechniques.avoiding(
                        rows(run, "zero-copy-techniques", "techniques", ZeroCopyTechniques.Summary.class))));
    }

    private RecordedVerdicts() {}

    /** The verdict the run itself recorded for {@code claim}. */
    static Verdict recorded(Path run, String claim) {
        for (String experiment : FILES.keySet()) {
            Path f = run.resolve(experiment).resolve("verdicts.json");
            if (!Files.isRegularFile(f)) continue;
            for (ClaimVerdict v : RunStore.readJson(f, new TypeReference<ArrayList<ClaimVerdict>>() {})) {
                if (v.claim().equals(claim)) return v.verdict();
            }
        }
        throw new IllegalArgumentException(run + " recorded no verdict for " + claim);
    }

    static <R extends Record> List<R> rows(Path run, String experiment, String table, Class<R> type) {
        return RecordTable.rows(
                Table.read().csv(run.resolve(experiment).resolve(table + ".csv").toFile()), type);
    }

    /** A condition experiment's summary rows, recomputed from its trials in the order the run listed them. */
    static List<Conditions.Summary> conditions(Path run, String experiment) {
        List<Conditions.Summary> stored = rows(run, experiment, "summary", Conditions.Summary.class);
        return Conditions.summarize(
                rows(run, experiment, "trials", Conditions.Trial.class),
                stored.stream().map(Conditions.Summary::condition).toList(),
                stored.stream().map(Conditions.Summary::receiveCopiesPerByte).toList(),
                stored.stream().map(Conditions.Summary::detail).toList());
    }

    /** The IPC shootout's measurements as the rules see them (a transport with no rows was not measured). */
    static IpcData.Result ipc(Path run) {
        return new IpcData.Result(
                rows(run, "ipc-shootout", "throughput", IpcData.Throughput.class),
                rows(run, "ipc-shootout", "latency", IpcData.Latency.class),
                Map.of(),
                List.of(),
                null);
    }
}

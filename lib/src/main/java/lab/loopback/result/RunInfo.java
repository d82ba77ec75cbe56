package lab.loopback.result;

import java.util.List;

/** run.json: what was asked, when, and how it ended. */
public record RunInfo(
        String runId,
        String profile,
        String startedAt,
        String finishedAt,
        double seconds,
        List<String> selectedClaims,
        List<String> experiments,
        List<String> failures,
        String command) {
    public RunInfo {
        selectedClaims = List.copyOf(selectedClaims);
        experiments = List.copyOf(experiments);
        failures = List.copyOf(failures);
    }
}

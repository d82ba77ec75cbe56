package lab.loopback.result;

import java.util.List;

/**
 * run.json: what was asked, when, and how it ended; {@code budgetSeconds} (null: none) and {@code schedule} (where the
 * time went, first passes and second looks) are absent from runs made before budgeted runs.
 */
public record RunInfo(
        String runId,
        String profile,
        String startedAt,
        String finishedAt,
        double seconds,
        List<String> selectedClaims,
        List<String> experiments,
        List<String> failures,
        String command,
        Double budgetSeconds,
        List<ScheduleEntry> schedule) {
    public RunInfo {
        selectedClaims = List.copyOf(selectedClaims);
        experiments = List.copyOf(experiments);
        failures = List.copyOf(failures);
        schedule = schedule == null ? List.of() : List.copyOf(schedule);
    }
}

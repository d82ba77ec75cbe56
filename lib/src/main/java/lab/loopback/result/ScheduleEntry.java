package lab.loopback.result;

import java.util.List;

/**
 * One step of a run's schedule in run.json: an experiment's first pass or its second look, how long it took, how many
 * interleaved rounds its comparisons got (0: a fixed plan, no rounds to add), which comparisons the pass left
 * undecided, what the run decided next and why, and whether that decision is to take a second look (what the run
 * reads back; the decision's words are for the reader).
 */
public record ScheduleEntry(
        String experiment,
        List<String> claims,
        String pass,
        double seconds,
        int rounds,
        List<String> undecided,
        String decision,
        boolean secondLook) {
    public static final String FIRST = "first pass", SECOND = "second look";

    public ScheduleEntry {
        claims = List.copyOf(claims);
        undecided = List.copyOf(undecided);
    }
}

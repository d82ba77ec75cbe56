package lab.loopback.experiments;

import java.util.List;
import lab.loopback.result.Outcome;

/**
 * One experiment: it measures on this host and judges the claims it names. It never throws for a host
 * that cannot run it; it returns NOT_TESTABLE_HERE verdicts with the reason instead.
 */
public interface Experiment {
    /** Directory and table prefix, lower-case-with-dashes, e.g. "stream-throughput". */
    String name();

    /** The claim ids whose verdicts this experiment returns. */
    List<String> claims();

    Outcome run(RunContext ctx);
}

package lab.loopback.workbench;

import java.util.List;
import lab.loopback.result.Outcome;

/**
 * One experiment: it measures on this host and judges the claims it names. It never throws for a host
 * that cannot run it; it returns NOT_TESTABLE_HERE verdicts with the reason instead. Its name and claims are
 * declared once, by {@link Measures} on its class.
 */
public interface Experiment {
    /** Directory and table prefix, lower-case-with-dashes, e.g. "stream-throughput". */
    default String name() {
        return declaration().name();
    }

    /** The claim ids whose verdicts this experiment returns. */
    default List<String> claims() {
        return List.of(declaration().claims());
    }

    private Measures declaration() {
        Measures m = getClass().getAnnotation(Measures.class);
        if (m == null)
            throw new IllegalStateException(getClass().getSimpleName() + " does not say what it measures (@Measures)");
        return m;
    }

    Outcome run(RunContext ctx);
}

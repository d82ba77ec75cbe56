package lab.loopback.workbench;

import java.util.List;
import java.util.Map;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.Figure;

/**
 * What the workbench runs and how it re-judges: the experiments, the rule over recorded tables for each claim, and
 * the figures that overlay several runs. The workbench finds the one implementation through {@link
 * java.util.ServiceLoader}, so this package never names an experiment.
 */
public interface Catalog {
    /** Every experiment, in the article's order of the claims they judge. */
    List<Experiment> experiments();

    /** Claim id → the rule applied to a recorded run's tables. */
    Map<String, RecordedRule> recordedRules();

    /** The key figures of several runs overlaid. */
    List<Figure> acrossRuns(RunComparison cmp);
}

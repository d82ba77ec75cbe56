package lab.loopback.result;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import tech.tablesaw.api.Table;

/** Read access to an experiment's outcome, whether measured just now or loaded from a run directory. */
public interface ExperimentView {
    String experiment();

    Map<String, Table> tables();

    default Table table(String name) {
        Table t = tables().get(name);
        if (t == null)
            throw new IllegalArgumentException(
                    "experiment " + experiment() + " has no table '" + name + "'; it has " + tables().keySet());
        return t;
    }

    List<String> figureNames();

    BufferedImage figure(String name);

    String caption(String name);

    List<ClaimVerdict> verdicts();

    default ClaimVerdict verdict(String claimId) {
        return verdicts().stream()
                .filter(v -> v.claim().equalsIgnoreCase(claimId))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("experiment " + experiment() + " judges no claim " + claimId));
    }

    List<String> notes();

    /**
     * For a notebook's {@code display(...)}: the figure, or — when this host could not produce it — a sentence
     * saying so with the reasons the verdicts give, so a restricted host gets an explanation, not an exception.
     */
    default Object show(String figure) {
        if (figureNames().contains(figure)) return figure(figure);
        return missing("figure", figure);
    }

    /** As {@link #show}, for a table: shown as a {@link TableView} (HTML and plain text). */
    default Object tableOrNote(String name) {
        if (tables().containsKey(name)) return TableView.of(tables().get(name));
        return missing("table", name);
    }

    private String missing(String kind, String name) {
        return "No " + kind + " '" + name + "' from " + experiment() + " on this host. "
                + String.join(
                        " ",
                        verdicts().stream()
                                .filter(v -> v.verdict() == Verdict.NOT_TESTABLE_HERE)
                                .map(v -> v.claim() + ": " + v.summary())
                                .toList());
    }

    /** Where the numbers come from: live, or which run directory. */
    String origin();
}

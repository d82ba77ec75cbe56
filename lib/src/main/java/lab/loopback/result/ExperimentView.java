package lab.loopback.result;

import lab.loopback.claim.ClaimVerdict;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** Read access to an experiment's outcome, whether measured just now or loaded from a run directory. */
public interface ExperimentView {
    String experiment();

    Map<String, Table> tables();

    default Table table(String name) {
        Table t = tables().get(name);
        if (t == null) throw new IllegalArgumentException("experiment " + experiment() + " has no table '" + name + "'; it has " + tables().keySet());
        return t;
    }

    List<String> figureNames();

    BufferedImage figure(String name);

    String caption(String name);

    List<ClaimVerdict> verdicts();

    default ClaimVerdict verdict(String claimId) {
        return verdicts().stream().filter(v -> v.claim().equalsIgnoreCase(claimId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("experiment " + experiment() + " judges no claim " + claimId));
    }

    List<String> notes();

    /** Where the numbers come from: live, or which run directory. */
    String origin();
}

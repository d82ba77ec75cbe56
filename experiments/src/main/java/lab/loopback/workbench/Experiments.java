package lab.loopback.workbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.Figure;

/** Every experiment of the workbench and every claim's recorded rule, as the one {@link Catalog} on the class path declares them. */
public final class Experiments {
    private Experiments() {}

    private static final class Loaded {
        // The loader that loaded this class also sees the catalog's jar: the thread's context loader may not (JShell).
        public static final Catalog CATALOG = load();

        private static Catalog load() {
            List<Catalog> found = ServiceLoader.load(Catalog.class, Catalog.class.getClassLoader()).stream()
                    .map(ServiceLoader.Provider::get)
                    .toList();
            if (found.size() != 1)
                throw new IllegalStateException("expected exactly one " + Catalog.class.getName()
                        + " on the class path (META-INF/services), found " + found.size() + ": "
                        + found.stream().map(c -> c.getClass().getName()).toList());
            return found.getFirst();
        }
    }

    public static List<Experiment> all() {
        return Loaded.CATALOG.experiments();
    }

    /** Claim id → the rule over a recorded run's tables, for every claim. */
    public static Map<String, RecordedRule> recordedRules() {
        return Loaded.CATALOG.recordedRules();
    }

    /** The key figures of several runs overlaid: measured ÷ claimed per claim, and the stream sweep by write size. */
    public static List<Figure> acrossRuns(RunComparison cmp) {
        return Loaded.CATALOG.acrossRuns(cmp);
    }

    /** The package of the catalog's experiments, where the ledger's rules ({@code Class.FIELD}) are declared. */
    public static String catalogPackage() {
        return Loaded.CATALOG.getClass().getPackageName();
    }

    /** The experiments needed to judge {@code claimIds}, each once. */
    public static List<Experiment> judging(List<String> claimIds) {
        List<Experiment> out = new ArrayList<>();
        for (Experiment e : all()) if (e.claims().stream().anyMatch(claimIds::contains)) out.add(e);
        return out;
    }

    public static boolean judges(String claimId) {
        return all().stream().anyMatch(e -> e.claims().contains(claimId));
    }

    /** The experiment that judges {@code claimId}, or an error saying none does yet. */
    public static Experiment forClaim(String claimId) {
        return all().stream()
                .filter(e -> e.claims().contains(claimId.toUpperCase()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no experiment judges " + claimId + " yet"));
    }
}

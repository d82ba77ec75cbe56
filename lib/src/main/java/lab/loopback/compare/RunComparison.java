package lab.loopback.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Runs from different hosts, kernels or days lined up by claim: the verdicts side by side and a flag where
 * two runs that both judged a claim disagree. Three runs of one host make the stability check of the
 * verdict rules: there, a flag means the rule sits too close to the noise.
 */
public final class RunComparison {
    /** Verdicts that are a judgement of the claim (the others say why there is none). */
    static final Set<Verdict> JUDGED =
            Set.of(Verdict.SUPPORTED, Verdict.REFUTED, Verdict.PARTLY_TRUE, Verdict.HOST_DEPENDENT);

    /** One claim across the runs, in the order the runs were given. */
    public record Row(Claim claim, List<ClaimVerdict> verdicts, Agreement agreement) {
        public List<Verdict> kinds() {
            return verdicts.stream()
                    .map(v -> v == null ? Verdict.NOT_YET_MEASURED : v.verdict())
                    .toList();
        }
    }

    private final ClaimLedger ledger;
    private final List<ComparedRun> runs;

    private RunComparison(ClaimLedger ledger, List<ComparedRun> runs) {
        this.ledger = ledger;
        this.runs = List.copyOf(runs);
    }

    /** Loads every directory; refuses none given, the same run twice, or anything that is not a finished run. */
    public static RunComparison of(ClaimLedger ledger, List<Path> dirs) {
        return of(ledger, dirs, false);
    }

    /** As {@link #of(ClaimLedger, List)}; {@code rejudged}: each run's rejudged.json instead of its own verdicts. */
    public static RunComparison of(ClaimLedger ledger, List<Path> dirs, boolean rejudged) {
        if (dirs.isEmpty())
            throw new IllegalArgumentException(
                    "compare needs at least one run directory (e.g. results/latest data/reference/*)");
        List<ComparedRun> runs = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path d : dirs) {
            ComparedRun r = ComparedRun.load(d, rejudged);
            if (!seen.add(r.dir()))
                throw new IllegalArgumentException("run '" + d + "' is given twice (it is " + r.dir() + ")");
            runs.add(r);
        }
        return new RunComparison(ledger, runs);
    }

    public List<ComparedRun> runs() {
        return runs;
    }

    public ClaimLedger ledger() {
        return ledger;
    }

    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Claim c : ledger.claims()) {
            List<ClaimVerdict> vs = new ArrayList<>();
            for (ComparedRun r : runs) vs.add(r.verdicts().get(c.id()));
            rows.add(new Row(c, Collections.unmodifiableList(vs), agreement(vs)));
        }
        return rows;
    }

    static Agreement agreement(List<ClaimVerdict> vs) {
        Set<Verdict> judged = new LinkedHashSet<>();
        int n = 0;
        for (ClaimVerdict v : vs) {
            if (v != null && JUDGED.contains(v.verdict())) {
                judged.add(v.verdict());
                n++;
            }
        }
        if (n < 2) return Agreement.NOT_COMPARABLE;
        return judged.size() == 1 ? Agreement.SAME : Agreement.DIFFERS;
    }

    public List<Row> differing() {
        return rows().stream().filter(r -> r.agreement() == Agreement.DIFFERS).toList();
    }

    /** The side-by-side table: claim, section, one column per run (named "run N"), agreement. */
    public Table table() {
        StringColumn id = StringColumn.create("claim"),
                sec = StringColumn.create("section"),
                agree = StringColumn.create("agreement");
        List<StringColumn> cols = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) cols.add(StringColumn.create("run " + (i + 1)));
        for (Row r : rows()) {
            id.append(r.claim().id());
            sec.append(String.format(
                    "%02d %s",
                    r.claim().section(), ledger.section(r.claim().section()).slug()));
            for (int i = 0; i < runs.size(); i++)
                cols.get(i).append(r.kinds().get(i).name());
            agree.append(r.agreement().name());
        }
        Table t = Table.create("verdicts across " + runs.size() + " run(s)", id, sec);
        cols.forEach(t::addColumns);
        t.addColumns(agree);
        return t;
    }

    /** Which run is "run N": number, host, kernel, profile, run id, directory. */
    public Table legend() {
        StringColumn n = StringColumn.create("run"),
                host = StringColumn.create("hostId"),
                kernel = StringColumn.create("kernel"),
                profile = StringColumn.create("profile"),
                id = StringColumn.create("runId"),
                dir = StringColumn.create("directory");
        for (int i = 0; i < runs.size(); i++) {
            ComparedRun r = runs.get(i);
            n.append("run " + (i + 1));
            host.append(r.hostId());
            kernel.append(r.kernel());
            profile.append(r.profile());
            id.append(r.runId());
            dir.append(r.dir().toString());
        }
        return Table.create("runs compared", n, host, kernel, profile, id, dir);
    }

    /**
     * A warning when the runs come from more than one host or kernel: a verdict that differs between them is a finding
     * about the hosts, not a rule sitting in the noise, and their timings and rates are not one population. Empty when
     * every run has the same host and kernel.
     */
    public Optional<String> mixture() {
        Set<String> hosts = new TreeSet<>(), kernels = new TreeSet<>();
        for (ComparedRun r : runs) {
            hosts.add(r.hostId());
            kernels.add(r.kernel());
        }
        if (hosts.size() < 2 && kernels.size() < 2) return Optional.empty();
        return Optional.of(String.format(
                "these runs come from %d host(s) %s and %d kernel(s) %s: a verdict that differs between them is a "
                        + "finding about the hosts, not a rule in the noise, and their timings are not comparable as one",
                hosts.size(), hosts, kernels.size(), kernels));
    }

    /** The comparison as terminal text: the runs, then the verdicts grouped by section, flags marked "<- differs". */
    public String text() {
        StringBuilder b = new StringBuilder();
        mixture().ifPresent(w -> b.append("warning: ").append(w).append("\n"));
        for (int i = 0; i < runs.size(); i++)
            b.append(String.format(
                    "run %d: %s%n       %s%n",
                    i + 1, runs.get(i).label(), runs.get(i).dir()));
        List<Row> rows = rows();
        for (ClaimLedger.Section s : ledger.sections()) {
            b.append(String.format("%n%02d %s%n", s.number(), s.title()));
            for (Row r : rows) {
                if (r.claim().section() != s.number()) continue;
                b.append(String.format("  %-8s", r.claim().id()));
                for (Verdict v : r.kinds()) b.append(String.format(" %-18s", v.name()));
                if (r.agreement() == Agreement.DIFFERS) b.append(" <- differs");
                b.append('\n');
            }
        }
        if (KernelMatrix.applies(this)) b.append(String.format("%n%s%n", KernelMatrix.text(this)));
        long differ =
                rows.stream().filter(r -> r.agreement() == Agreement.DIFFERS).count();
        long compared = rows.stream()
                .filter(r -> r.agreement() != Agreement.NOT_COMPARABLE)
                .count();
        b.append(String.format(
                "%n%d of %d claims judged by at least two runs; %d differ%s%n",
                compared,
                rows.size(),
                differ,
                differ == 0
                        ? ""
                        : ": "
                                + String.join(
                                        ", ",
                                        rows.stream()
                                                .filter(r -> r.agreement() == Agreement.DIFFERS)
                                                .map(r -> r.claim().id())
                                                .toList())));
        return b.toString();
    }
}

package lab.loopback.workbench;

import java.io.Serial;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.result.ExperimentView;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.result.RunStore;
import tech.tablesaw.api.Table;

/**
 * What a finished run recorded for one claim — the ledger's claim, the verdict the run wrote, and the tables of the
 * experiment that measured it (and, where a rule shares a measurement, of the experiment that recorded it) — which is
 * all a {@link RecordedRule} may read.
 */
public record Recorded(Claim claim, ClaimVerdict verdict, ExperimentView view, Path run) {
    /** The recorded results of another experiment of the same run, for a rule that reads a shared measurement. */
    public Recorded other(String experiment) {
        if (!RunStore.has(run, experiment))
            throw new MissingTableException("the run has no results of experiment " + experiment);
        return new Recorded(claim, verdict, RunStore.load(run, experiment), run);
    }

    /** A table the rule needs; {@link MissingTableException} when this run did not record it. */
    public Table table(String name) {
        Table t = view.tables().get(name);
        if (t == null)
            throw new MissingTableException(
                    view.experiment(), name, view.tables().keySet());
        return t;
    }

    /**
     * The facts this claim's rule reads, as its experiment recorded them ({@link Outcome#facts}). A run whose experiment
     * judged the claim but has no such table was recorded before the experiment wrote one: {@link PredatesException}.
     */
    public <R extends Record> R facts(Class<R> type) {
        String name = Outcome.factsTable(claim.id());
        if (!view.tables().containsKey(name)) throw new PredatesException(view.experiment(), name);
        List<R> rows = rows(name, type);
        if (rows.size() != 1)
            throw new MissingTableException("the run's table '" + name + "' of " + view.experiment() + " has "
                    + rows.size() + " rows, not one");
        return rows.getFirst();
    }

    /** The records of a table written with {@link RecordTable#of}. */
    public <R extends Record> List<R> rows(String table, Class<R> type) {
        return RecordTable.rows(table(table), type);
    }

    /** The first record of {@code table} that {@code which} accepts; missing (a NOT_TESTABLE_HERE) when none is, named by {@code what}. */
    public <R extends Record> R first(String table, Class<R> type, Predicate<R> which, String what) {
        return rows(table, type).stream()
                .filter(which)
                .findFirst()
                .orElseThrow(() -> new MissingTableException(
                        "the run's table '" + table + "' of " + view.experiment() + " has no row " + what));
    }

    /**
     * The run judged the claim before its experiment recorded the facts its rule reads: nothing to rejudge from, so the
     * run's own verdict is carried, saying why.
     */
    public static final class PredatesException extends IllegalStateException {
        @Serial
        private static final long serialVersionUID = 1L;

        public PredatesException(String experiment, String table) {
            super("the run predates table '" + table + "' of " + experiment + ", which today's rule reads");
        }
    }

    /** The run lacks a table a rule reads: the claim is then NOT_TESTABLE_HERE naming it, never an exception. */
    public static final class MissingTableException extends IllegalStateException {
        @Serial
        private static final long serialVersionUID = 1L;

        public MissingTableException(String experiment, String table, Set<String> has) {
            this("the run has no table '" + table + "' of " + experiment + " (it has " + has + ")");
        }

        public MissingTableException(String message) {
            super(message);
        }
    }
}

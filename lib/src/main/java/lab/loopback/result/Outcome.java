package lab.loopback.result;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.loopback.claim.ClaimVerdict;
import tech.tablesaw.api.Table;

/**
 * What one experiment leaves: tidy tables with every sample, figures, verdicts for the claims it judges,
 * and notes (facts and transcripts worth quoting). Built live by an experiment, or read back from a run
 * directory by {@link RunStore#load}, so a notebook shows exactly what a run measured.
 */
public final class Outcome implements ExperimentView {
    private final String experiment;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<ClaimVerdict> verdicts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Outcome(String experiment) {
        this.experiment = experiment;
    }

    public Outcome table(String name, Table t) {
        if (!name.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("table name '" + name + "' must be lower-case-with-dashes");
        tables.put(name, t);
        return this;
    }

    /** The name of the one-row table in which an experiment records what {@code claim}'s rule reads. */
    public static String factsTable(String claim) {
        return "facts-" + claim.toLowerCase(Locale.ROOT);
    }

    /**
     * Records {@code facts}, what {@code claim}'s rule reads, as a one-row table, and returns them: the rule then judges
     * exactly what the run recorded, so the run and a later rejudging cannot differ.
     */
    public <R extends Record> R facts(String claim, Class<R> type, R facts) {
        table(factsTable(claim), RecordTable.of(factsTable(claim), type, List.of(facts)));
        return facts;
    }

    public Outcome figure(Figure f) {
        figures.put(f.name(), f);
        return this;
    }

    public Outcome verdict(ClaimVerdict v) {
        verdicts.add(v);
        return this;
    }

    public Outcome note(String s) {
        notes.add(s);
        return this;
    }

    @Override
    public String experiment() {
        return experiment;
    }

    @Override
    public Map<String, Table> tables() {
        return tables;
    }

    public Map<String, Figure> figures() {
        return figures;
    }

    @Override
    public List<String> figureNames() {
        return List.copyOf(figures.keySet());
    }

    @Override
    public BufferedImage figure(String name) {
        Figure f = figures.get(name);
        if (f == null)
            throw new IllegalArgumentException(
                    "experiment " + experiment + " has no figure '" + name + "'; it has " + figures.keySet());
        return f.image();
    }

    @Override
    public String caption(String name) {
        Figure f = figures.get(name);
        return f == null ? "" : f.caption();
    }

    @Override
    public List<ClaimVerdict> verdicts() {
        return verdicts;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public String origin() {
        return "measured live in this process";
    }
}

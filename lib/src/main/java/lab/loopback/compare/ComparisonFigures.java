package lab.loopback.compare;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;
import lab.loopback.chart.Charts;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.result.Figure;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

/** The key figures of several runs overlaid: one colour per run, the article's claim as the dashed red reference. */
public final class ComparisonFigures {
    private static final Color[] RUN_COLORS = {
        Charts.MEASURED,
        new Color(0xD6, 0x89, 0x10),
        new Color(0x27, 0x8E, 0x4B),
        new Color(0x8E, 0x44, 0xAD),
        new Color(0x17, 0xA5, 0x89),
        new Color(0x7F, 0x8C, 0x8D)
    };

    private ComparisonFigures() {}

    static Color color(int run) {
        return RUN_COLORS[run % RUN_COLORS.length];
    }

    /**
     * Measured ÷ claimed for every claim with both numbers in some run (a log axis: 1 is the article's value).
     * Empty when no run measured a number the article also gives.
     */
    public static Optional<Figure> ratios(RunComparison cmp) {
        List<RunComparison.Row> rows = cmp.rows().stream()
                .filter(r -> r.verdicts().stream().anyMatch(v -> ratio(v) != null))
                .toList();
        if (rows.isEmpty()) return Optional.empty();
        List<String> ids = rows.stream().map(r -> r.claim().id()).toList();
        CategoryChart c =
                Charts.bars("Measured ÷ claimed, by claim and run", "claim", "measured ÷ article's value (log)");
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        c.getStyler().setXAxisLabelRotation(60);
        c.getStyler().setOverlapped(true); // every run's point of a claim on one vertical, over the article's diamond
        for (int i = 0; i < cmp.runs().size(); i++) {
            final int run = i;
            List<Double> ys =
                    rows.stream().map(r -> ratio(r.verdicts().get(run))).toList();
            CategorySeries s =
                    c.addSeries("run " + (i + 1) + " " + cmp.runs().get(i).hostId(), ids, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(color(i));
        }
        CategorySeries claim = c.addSeries(
                "article's value (= 1)", ids, ids.stream().map(id -> 1.0).toList());
        claim.setMarker(SeriesMarkers.DIAMOND);
        claim.setMarkerColor(Charts.CLAIM);
        return Optional.of(new Figure(
                "measured-over-claimed",
                ids,
                "Each point is one run's measured value divided by the "
                        + "verdict's claimed value (verdicts.json): the article's number, or what its words imply (all 4 parts bypassed, every "
                        + "rival beaten, RDMA's published latency, this CPU's L1d); 1 is that value. Claims without a positive number on both "
                        + "sides are left out.",
                c));
    }

    /** measured ÷ claimed when both are positive numbers, else null (nothing to draw). */
    static Double ratio(ClaimVerdict v) {
        if (v == null || v.measured() == null || v.claimed() == null) return null;
        if (!(v.measured() > 0) || !(v.claimed() > 0)) return null;
        return v.measured() / v.claimed();
    }

    /**
     * One line per run of a value by size, read from the CSV at {@code csv} (relative to each run directory) by
     * {@code series}: an experiment's key figure overlaid across runs. Empty when no run holds that CSV.
     */
    public static Optional<Figure> bySize(
            RunComparison cmp,
            String csv,
            Function<Table, SortedMap<Integer, Double>> series,
            String name,
            List<String> claims,
            String title,
            String valueAxis,
            String caption) {
        XYChart c = Charts.xy(title, "size", valueAxis, true);
        boolean any = false;
        for (int i = 0; i < cmp.runs().size(); i++) {
            Path file = cmp.runs().get(i).dir().resolve(csv);
            if (!Files.isRegularFile(file)) continue;
            SortedMap<Integer, Double> bySize = series.apply(Table.read().csv(file.toFile()));
            if (bySize.isEmpty()) continue;
            double[] x = bySize.keySet().stream().mapToDouble(Charts::log2).toArray();
            double[] y =
                    bySize.values().stream().mapToDouble(Double::doubleValue).toArray();
            Charts.line(c, "run " + (i + 1) + " " + cmp.runs().get(i).hostId(), x, y, color(i));
            any = true;
        }
        return any ? Optional.of(new Figure(name, claims, caption, c)) : Optional.empty();
    }
}

package lab.loopback.compare;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.Releases;
import lab.loopback.result.Figure;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The claims judged from the kernel's testimony, one column per kernel (oldest first): the verdict and its key measured
 * value on each. Where the runs come from two or more kernels, "it arrived in 6.0, not 5.6" or "it was never there" is
 * read across a row, measured, instead of cited. A claim no run judged is left out; a cell of a run that did not select
 * the claim says NOT_YET_MEASURED.
 */
public final class KernelMatrix {
    private KernelMatrix() {}

    /** Whether the runs span two or more kernels (else there is no matrix to show). */
    public static boolean applies(RunComparison cmp) {
        return cmp.runs().stream().map(ComparedRun::kernel).distinct().count() >= 2;
    }

    /** The runs in kernel order, oldest first (a host's run before a guest's of the same kernel). */
    static List<Integer> order(RunComparison cmp) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < cmp.runs().size(); i++) idx.add(i);
        idx.sort(Comparator.comparing((Integer i) -> cmp.runs().get(i).kernel(), Releases::compare)
                .thenComparing(i -> cmp.runs().get(i).guest() != null));
        return idx;
    }

    /** The testimony claims that at least one run judged or found untestable. */
    static List<RunComparison.Row> rows(RunComparison cmp) {
        return cmp.rows().stream()
                .filter(r -> r.claim().evidence() == Claim.Evidence.TESTIMONY)
                .filter(r -> r.kinds().stream().anyMatch(k -> k != Verdict.NOT_YET_MEASURED))
                .toList();
    }

    /** A column's header: the kernel release and where it ran. */
    static String header(ComparedRun r) {
        return "Linux " + r.kernel() + " (" + r.where() + ")";
    }

    public static Table table(RunComparison cmp) {
        List<Integer> order = order(cmp);
        StringColumn claim = StringColumn.create("claim");
        List<StringColumn> cols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i : order) {
            names.add(unique(header(cmp.runs().get(i)), names));
            cols.add(StringColumn.create(names.getLast()));
        }
        for (RunComparison.Row r : rows(cmp)) {
            claim.append(r.claim().id());
            for (int c = 0; c < order.size(); c++)
                cols.get(c).append(cell(r.verdicts().get(order.get(c))));
        }
        Table t = Table.create("claims judged from the kernel's testimony, by kernel", claim);
        cols.forEach(t::addColumns);
        return t;
    }

    /** {@code name}, or "name #2", "name #3" … when two runs share a kernel and a place. */
    private static String unique(String name, List<String> taken) {
        String n = name;
        for (int k = 2; taken.contains(n); k++) n = name + " #" + k;
        return n;
    }

    /** The matrix as terminal text: a line per claim, a column per kernel (the cells' values are in the table). */
    public static String text(RunComparison cmp) {
        List<Integer> order = order(cmp);
        StringBuilder b = new StringBuilder(
                "Across kernels (claims judged from the kernel's testimony):\n  " + String.format("%-8s", "claim"));
        for (int i : order)
            b.append(String.format(" %-20s", shortHeader(cmp.runs().get(i))));
        for (RunComparison.Row r : rows(cmp)) {
            b.append(String.format("%n  %-8s", r.claim().id()));
            for (int i : order)
                b.append(String.format(" %-20s", r.kinds().get(i).name()));
        }
        return b.toString();
    }

    /** "REFUTED · 49 opcodes": the verdict, and the measured value with its unit where there is one. */
    static String cell(ClaimVerdict v) {
        if (v == null) return Verdict.NOT_YET_MEASURED.name(); // the run's verdicts.json has no such claim
        if (v.measured() == null) return v.verdict().name();
        return v.verdict().name() + " · " + number(v.measured()) + (v.unit() == null ? "" : " " + v.unit());
    }

    private static String number(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) return String.format(Locale.ROOT, "%.0f", x);
        return String.format(Locale.ROOT, Math.abs(x) >= 100 ? "%.0f" : Math.abs(x) >= 1 ? "%.2f" : "%.3f", x);
    }

    private static final Map<Verdict, Color> COLORS = Map.of(
            Verdict.SUPPORTED, new Color(0x27, 0x8E, 0x4B),
            Verdict.PARTLY_TRUE, new Color(0xE6, 0xA1, 0x1E),
            Verdict.REFUTED, new Color(0xC0, 0x39, 0x2B),
            Verdict.HOST_DEPENDENT, new Color(0x1F, 0x4E, 0x79),
            Verdict.NOT_TESTABLE_HERE, new Color(0x8C, 0x8C, 0x8C),
            Verdict.EXPLORED, new Color(0x8E, 0x44, 0xAD),
            Verdict.NOT_YET_MEASURED, new Color(0xD9, 0xD9, 0xD9));

    /**
     * The matrix as a figure: one square per claim and kernel, coloured by its verdict (one legend entry per verdict
     * shown), claims top to bottom in ledger order, kernels left to right, oldest first. Empty when the runs span a
     * single kernel.
     */
    public static Optional<Figure> figure(RunComparison cmp) {
        if (!applies(cmp)) return Optional.empty();
        List<RunComparison.Row> rows = rows(cmp);
        if (rows.isEmpty()) return Optional.empty();
        List<Integer> order = order(cmp);
        List<String> kernels = new ArrayList<>();
        for (int i : order) kernels.add(unique(shortHeader(cmp.runs().get(i)), kernels));
        List<String> claims = rows.stream().map(r -> r.claim().id()).toList();
        XYChart c = new XYChartBuilder()
                .width(Charts.WIDTH)
                .height(Math.max(360, 140 + 24 * claims.size()))
                .title("Claims judged from the kernel's testimony, by kernel")
                .xAxisTitle("kernel (where it ran), oldest first")
                .yAxisTitle("claim")
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(18);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setPlotGridLinesVisible(false);
        // positions are indexes; the names are written beside them (left of each row, above each column)
        c.getStyler().setAxisTicksVisible(false);
        c.getStyler().setXAxisMin(-1.3).setXAxisMax(kernels.size() - 0.5);
        c.getStyler().setYAxisMin(-claims.size() + 0.5).setYAxisMax(1.2);
        c.getStyler().setAnnotationTextFontColor(Color.BLACK);
        for (int r = 0; r < claims.size(); r++) c.addAnnotation(new AnnotationText(claims.get(r), -0.85, -r, false));
        for (int k = 0; k < kernels.size(); k++) c.addAnnotation(new AnnotationText(kernels.get(k), k, 0.75, false));
        for (Verdict v : Verdict.values()) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int k = 0; k < order.size(); k++)
                for (int r = 0; r < rows.size(); r++)
                    if (rows.get(r).kinds().get(order.get(k)) == v) {
                        xs.add((double) k);
                        ys.add((double) -r);
                    }
            if (xs.isEmpty()) continue;
            XYSeries s = c.addSeries(v.name(), xs, ys);
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(COLORS.get(v));
        }
        return Optional.of(new Figure(
                "kernel-matrix",
                claims,
                "Each square is one run's verdict on one claim judged from the kernel's testimony; columns are kernels,"
                        + " oldest first, with where they ran (a guest's CPU may be emulated: its timings are not judged,"
                        + " its kernel's testimony is). The kernel matrix table gives each square's measured value.",
                c));
    }

    private static String shortHeader(ComparedRun r) {
        return r.kernel().replaceFirst("-cloud-amd64$", "") + (r.guest() == null ? " (host)" : " (guest)");
    }
}

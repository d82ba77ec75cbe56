package lab.loopback.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.loopback.measure.Bytes;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.Series;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The workbench's few figure shapes, styled once. Convention: the article's claim is always a dashed red
 * line or bar, measured values are solid, and every individual sample is drawn as a faint point.
 */
public final class Charts {
    public static final Color CLAIM = new Color(0xC0, 0x39, 0x2B);
    public static final Color MEASURED = new Color(0x1F, 0x4E, 0x79);
    public static final Color REFERENCE = new Color(0x27, 0x8E, 0x4B);
    public static final Color SAMPLE = new Color(0x1F, 0x4E, 0x79, 0x60);
    public static final Color MARKER = new Color(0x88, 0x88, 0x88);
    /** The same measurement in a second placement of the peers, beside {@link #MEASURED}. */
    public static final Color MEASURED_ELSEWHERE = new Color(0x8E, 0x44, 0xAD);

    private static final Color GRID = new Color(0xE5, 0xE5, 0xE5);
    public static final int WIDTH = 900, HEIGHT = 520;
    /** Up to this many legend entries go in a column below the plot; more go beside it. */
    static final int LEGEND_ROWS_BELOW = 4;

    static final int CDF_POINTS = 200;

    private Charts() {}

    /** {@code c} made faint: the colour of the points or the second series behind a line of colour {@code c}. */
    public static Color faint(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 0x60);
    }

    /** An XY chart; with {@code log2X} the x values are log2(bytes) and ticks read as byte sizes. */
    public static XYChart xy(String title, String xTitle, String yTitle, boolean log2X) {
        XYChart c = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        if (log2X) c.getStyler().setxAxisTickLabelsFormattingFunction(Charts::log2Label);
        return c;
    }

    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        return c;
    }

    /** The one look of every figure: white, light grid, legend below (moved aside by {@link #fitLegend} when it would not fit). */
    private static void style(AxesChartStyler s) {
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(GRID);
        s.setLegendBorderColor(GRID);
        s.setAntiAlias(true);
    }

    /**
     * A legend laid out in one row below the plot is cut off at both sides once its entries are wider than the chart:
     * XChart neither wraps nor shrinks it. Before a chart is drawn, such a legend becomes a column — below the plot for
     * a few entries, beside it for more, where a column costs the plot less.
     */
    public static void fitLegend(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        if (!s.isLegendVisible() || s.getLegendLayout() != Styler.LegendLayout.Horizontal) return;
        List<String> names = chart.getSeriesMap().values().stream()
                .filter(Series::isShowInLegend)
                .map(Series::getName)
                .toList();
        if (names.isEmpty()) return;
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            FontMetrics m = g.getFontMetrics(s.getLegendFont());
            int pad = s.getLegendPadding(), width = 2 * pad;
            for (String n : names) width += m.stringWidth(n) + s.getLegendSeriesLineLength() + 3 * pad;
            if (width <= chart.getWidth() - 2 * s.getChartPadding()) return;
        } finally {
            g.dispose();
        }
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setLegendPosition(
                names.size() <= LEGEND_ROWS_BELOW ? Styler.LegendPosition.OutsideS : Styler.LegendPosition.OutsideE);
    }

    /**
     * An empirical CDF (y in % of samples at or below x), drawn through {@value #CDF_POINTS} quantiles spaced densest
     * at both tails, where latency distributions say the most. Not one point per sample at equal 1/n steps: XChart puts
     * an axis tick on every value of an axis whose values are equally spaced, which crowds the percent axis.
     */
    public static XYSeries cdf(XYChart c, String name, double[] values, Color color) {
        if (values.length == 0) throw new IllegalArgumentException("a CDF of " + name + " needs at least one sample");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        List<double[]> pts = new ArrayList<>();
        int last = -1;
        for (int k = 0; k <= CDF_POINTS; k++) {
            double p = (1 - Math.cos(Math.PI * k / CDF_POINTS)) / 2;
            int idx = Math.min(n - 1, Math.max(0, (int) Math.ceil(p * n) - 1));
            if (idx == last) continue;
            last = idx;
            pts.add(new double[] {sorted[idx], 100.0 * (idx + 1) / n});
        }
        XYSeries s = line(
                c,
                name,
                pts.stream().mapToDouble(q -> q[0]).toArray(),
                pts.stream().mapToDouble(q -> q[1]).toArray(),
                color);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    public static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = points(c, name, x, y, color, XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        return s;
    }

    public static XYSeries samples(XYChart c, String name, double[] x, double[] y, Color color) {
        return points(c, name, x, y, color, XYSeries.XYSeriesRenderStyle.Scatter);
    }

    private static XYSeries points(
            XYChart c, String name, double[] x, double[] y, Color color, XYSeries.XYSeriesRenderStyle style) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(style);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        return s;
    }

    /** A horizontal dashed line at the article's claimed value. */
    public static XYSeries claimLine(XYChart c, String name, double y, double x0, double x1) {
        XYSeries s = level(c, name, y, x0, x1, CLAIM);
        s.setLineStyle(SeriesLines.DASH_DASH);
        return s;
    }

    /** A solid horizontal line at a measured level (one number drawn across a sweep). */
    public static XYSeries level(XYChart c, String name, double y, double x0, double x1, Color color) {
        XYSeries s = c.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(2f));
        return s;
    }

    public static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    /** A thin labelled vertical marker (e.g. a cache size) from y0 to y1; kept out of the legend. */
    public static XYSeries vertical(XYChart c, String name, double x, double y0, double y1) {
        XYSeries s = c.addSeries(name, new double[] {x, x}, new double[] {y0, y1});
        s.setShowInLegend(false);
        c.addAnnotation(new AnnotationText(name, x, y1 * 0.97, false));
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        s.setLineColor(MARKER);
        return s;
    }

    static String log2Label(double x) {
        if (Math.abs(x - Math.rint(x)) > 1e-6) return "";
        return Bytes.human((long) Math.pow(2, Math.rint(x)));
    }
}

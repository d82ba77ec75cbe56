package lab.loopback.chart;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import lab.loopback.measure.Bytes;

import java.awt.BasicStroke;
import java.awt.Color;

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
    private static final int WIDTH = 900, HEIGHT = 520;

    private Charts() {}

    /** An XY chart; with {@code log2X} the x values are log2(bytes) and ticks read as byte sizes. */
    public static XYChart xy(String title, String xTitle, String yTitle, boolean log2X) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xE5, 0xE5, 0xE5));
        s.setAntiAlias(true);
        if (log2X) c.getStyler().setxAxisTickLabelsFormattingFunction(Charts::log2Label);
        return c;
    }

    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        return c;
    }

    public static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = points(c, name, x, y, color, XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        return s;
    }

    public static XYSeries samples(XYChart c, String name, double[] x, double[] y, Color color) {
        return points(c, name, x, y, color, XYSeries.XYSeriesRenderStyle.Scatter);
    }

    private static XYSeries points(XYChart c, String name, double[] x, double[] y, Color color, XYSeries.XYSeriesRenderStyle style) {
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
        s.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        s.setLineColor(MARKER);
        return s;
    }

    static String log2Label(double x) {
        if (Math.abs(x - Math.rint(x)) > 1e-6) return "";
        return Bytes.human((long) Math.pow(2, Math.rint(x)));
    }
}

package lab.loopback.result;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import lab.loopback.chart.Charts;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A named figure of an experiment: the chart, the claims it illustrates, and one sentence saying what is
 * measured and what is inferred.
 */
public record Figure(String name, List<String> claims, String caption, Chart<?, ?> chart) {
    public Figure {
        if (!name.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("figure name '" + name + "' must be lower-case-with-dashes");
        claims = List.copyOf(claims);
    }

    /** What figures.json records of a figure (the chart itself is in the PNG and SVG beside it). */
    public record Info(String name, List<String> claims, String caption) {}

    public Info info() {
        return new Info(name, claims, caption);
    }

    /** The chart as PNG bytes: what a run directory stores and what the HTML pages embed. */
    public byte[] png() {
        Charts.fitLegend(chart);
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(chart, b, BitmapEncoder.BitmapFormat.PNG);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render figure " + name + ": " + e.getMessage(), e);
        }
    }

    /** The chart rendered for {@code display(...)} in a notebook. */
    public BufferedImage image() {
        Charts.fitLegend(chart);
        return BitmapEncoder.getBufferedImage(chart);
    }
}

package lab.loopback.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.loopback.result.Figure;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

class ChartsTest {
    private static XYChart withSeries(List<String> names) {
        XYChart c = Charts.xy("t", "x", "y", false);
        for (String n : names) Charts.line(c, n, new double[] {1, 2}, new double[] {1, 2}, Color.BLACK);
        return c;
    }

    @Test
    void aLegendThatFitsInOneRowStaysThere() {
        XYChart c = withSeries(List.of("measured", "claimed"));
        Charts.fitLegend(c);
        assertEquals(Styler.LegendLayout.Horizontal, c.getStyler().getLegendLayout());
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
    }

    @Test
    void aWideLegendOfManyEntriesMovesBesideThePlot() {
        List<String> names = List.of(
                "tcp-lo",
                "tcp-lo p99",
                "unix",
                "unix p99",
                "pipe",
                "pipe p99",
                "fifo",
                "fifo p99",
                "shm",
                "shm p99",
                "grpc",
                "grpc p99",
                "uring-tcp",
                "uring-tcp p99");
        XYChart c = withSeries(names);
        new Figure("ipc-latency", List.of("IPC-1"), "caption", c).png(); // rendering fits the legend first
        assertEquals(Styler.LegendLayout.Vertical, c.getStyler().getLegendLayout());
        assertEquals(Styler.LegendPosition.OutsideE, c.getStyler().getLegendPosition());
    }

    @Test
    void aWideLegendOfFewEntriesBecomesAColumnBelow() {
        XYChart c = withSeries(List.of(
                "one-way: write() → read() returns, measured in user space in both processes",
                "write() → sk_data_ready, from the kernel's tracepoint",
                "sk_data_ready → read() returns, the reader's wake-up"));
        Charts.fitLegend(c);
        assertEquals(Styler.LegendLayout.Vertical, c.getStyler().getLegendLayout());
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition());
    }

    @Test
    void aCdfIsDrawnThroughUnequallySpacedQuantiles() {
        double[] v = new double[5000];
        for (int i = 0; i < v.length; i++) v[i] = 5000 - i; // unsorted on purpose
        XYChart c = Charts.xy("t", "µs", "%", false);
        XYSeries s = Charts.cdf(c, "cdf", v, Color.BLACK);
        double[] x = s.getXData(), y = s.getYData();
        assertTrue(x.length <= Charts.CDF_POINTS + 1 && x.length > 100, "points: " + x.length);
        assertEquals(1, x[0]);
        assertEquals(100.0 * 1 / 5000, y[0], 1e-9);
        assertEquals(5000, x[x.length - 1]);
        assertEquals(100.0, y[y.length - 1], 1e-9);
        Set<Long> steps = new HashSet<>();
        for (int i = 1; i < y.length; i++) {
            assertTrue(x[i] >= x[i - 1] && y[i] > y[i - 1], "monotone at " + i);
            steps.add(Math.round((y[i] - y[i - 1]) * 1e6));
        }
        assertTrue(
                steps.size() > 10,
                "the percent steps must not be equal (XChart would put a tick on every value): " + steps.size());
    }
}

package lab.loopback.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import lab.loopback.result.TableView;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** What the kernel overlay sends for a workbench table: text/html holding a real table, text/plain beside it. */
class HtmlDisplayTest {

    private static TableView sample() {
        return TableView.of(Table.create(
                "throughput",
                StringColumn.create("size", "64 KiB", "1 MiB"),
                DoubleColumn.create("gbit_per_second", 12.3456, 25.1)));
    }

    @Test
    void theKernelsServiceLoaderFindsTheProvider() {
        assertTrue(
                ServiceLoader.load(DisplayProvider.class).stream().anyMatch(p -> p.type() == HtmlDisplayProvider.class),
                "META-INF/services does not name HtmlDisplayProvider");
    }

    @Test
    void aTableIsSentAsHtmlAndAsText() {
        ToHtmlTransformer t = new ToHtmlTransformer();
        TableView v = sample();
        assertTrue(t.canTransform(v));
        DisplayData dd = new HtmlOutputRenderer().render(null, t.transform(v));
        String html = (String) dd.data().get("text/html");
        String text = (String) dd.data().get("text/plain");
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains("<th") && html.contains("<td"), html);
        assertEquals(v.toString(), text);
        assertTrue(text.contains("12.35") && text.contains("25.10"), text);
    }

    @Test
    void objectsWithoutToHtmlAreLeftToTheKernel() {
        ToHtmlTransformer t = new ToHtmlTransformer();
        assertFalse(t.canTransform("a string"));
        assertFalse(t.canTransform(42));
        assertFalse(t.canTransform(null));
        assertFalse(t.canTransform(new NumberNotHtml()), "toHtml() must return a String");
    }

    public static final class NumberNotHtml {
        public int toHtml() {
            return 1;
        }
    }
}

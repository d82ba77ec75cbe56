package lab.loopback.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableViewTest {

    private static Table sample() {
        return Table.create(
                "stream",
                StringColumn.create("transport", "tcp <lo>", "unix"),
                IntColumn.create("bytes", 1048576, 65536),
                DoubleColumn.create("p50_micros", 13.04321, 52.5),
                DoubleColumn.create("ratio", 0.000123, 1.5));
    }

    private static List<String> cells(String html, String tag) {
        Matcher m = Pattern.compile("<" + tag + "[^>]*>(.*?)</" + tag + ">").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void htmlHasAHeaderCellPerColumnAndADataCellPerValue() {
        String html = TableView.of(sample()).toHtml();
        assertEquals(4, cells(html, "th").size(), html);
        assertEquals(8, cells(html, "td").size(), html);
        assertTrue(html.contains("<caption"), "the table's name is its caption");
        assertTrue(html.contains("tcp &lt;lo&gt;"), "cell text is escaped");
    }

    @Test
    void unitsStandUnderTheColumnNames() {
        String html = TableView.of(sample()).toHtml();
        assertTrue(html.contains("p50_micros<br><span style=\"font-weight:normal;color:#666\">µs</span>"), html);
        assertTrue(html.contains("bytes<br><span style=\"font-weight:normal;color:#666\">B</span>"), html);
        assertEquals("Gbit/s", Units.of("gbit_per_second"));
        assertEquals("ns/B", Units.of("receiver_cpu_ns_per_byte"));
        assertEquals("", Units.of("transport"));
        assertEquals("", Units.of("per_segment"), "the name says it already");
        assertEquals("per segment", Units.of("ip_per_segment"));
        assertEquals("B", Units.of("bytes"));
    }

    @Test
    void numbersAreRightAlignedAndRoundedOncePerColumn() {
        TableView v = TableView.of(sample());
        // p50: largest 52.5 → 4 significant digits → 2 decimals for every value of the column
        assertEquals("13.04", v.cell(2, 0));
        assertEquals("52.50", v.cell(2, 1));
        // a column whose smallest value would vanish at the largest value's rounding keeps significant digits per value
        assertEquals("0.0001230", v.cell(3, 0));
        assertEquals("1.230e-05", TableView.ColumnFormat.significant(0.0000123));
        assertEquals("1.500", v.cell(3, 1));
        assertEquals("1048576", v.cell(1, 0));
        String html = v.toHtml();
        assertTrue(html.contains("<td style=\"text-align:right;padding:2px 8px;vertical-align:top\">13.04</td>"), html);
        assertTrue(html.contains("<td style=\"text-align:left;padding:2px 8px;vertical-align:top\">unix</td>"), html);
    }

    @Test
    void aMissingValueIsAnEmptyCell() {
        Table t = Table.create("t", DoubleColumn.create("x", 1.0, Double.NaN));
        assertEquals("", TableView.of(t).cell(0, 1));
    }

    @Test
    void plainTextLinesUpTheColumns() {
        String text = TableView.of(sample()).toString();
        String[] lines = text.split("\n");
        assertEquals("stream", lines[0]);
        // header, units, rule, two rows: all as wide as the rule
        int width = lines[3].length();
        assertTrue(lines[3].matches("-+( +-+)*"), lines[3]);
        assertEquals(width, lines[4].length(), text);
        assertEquals(width, lines[5].length(), text);
        assertTrue(lines[4].endsWith("0.0001230"), text);
    }

    @Test
    void aLongTableIsCutWithANote() {
        IntColumn n = IntColumn.create("n");
        for (int i = 0; i < 100; i++) n.append(i);
        TableView v = TableView.of(Table.create("long", n), 10);
        assertEquals(10, cells(v.toHtml(), "td").size());
        assertTrue(v.toHtml().contains("10 of 100 rows shown"), v.toHtml());
        assertTrue(v.toString().contains("10 of 100 rows shown"));
        assertEquals(100, v.table().rowCount(), "the view keeps every row");
        assertFalse(TableView.of(Table.create("short", IntColumn.create("n", 1, 2)))
                .toHtml()
                .contains("rows shown"));
    }

    @Test
    void aNonPositiveRowLimitIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableView.of(sample(), 0));
        assertTrue(e.getMessage().contains("maxRows 0"), e.getMessage());
    }
}

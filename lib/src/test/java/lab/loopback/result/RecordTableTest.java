package lab.loopback.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Records written as a CSV table come back as the same records. */
class RecordTableTest {
    record Row(String name, int round, long bytes, double gbit, double copies, boolean comparable) {}

    record Other(String name, int missing) {}

    enum Side {
        LOWER,
        WITHIN_NOISE;

        @Override
        public String toString() {
            return name().toLowerCase().replace('_', ' ');
        }
    }

    record Judged(String name, Side side) {}

    @Test
    void enumsComeBackFromTheWordsTheyWrite(@TempDir Path dir) {
        List<Judged> rows = List.of(new Judged("a", Side.WITHIN_NOISE), new Judged("b", Side.LOWER));
        Path csv = dir.resolve("e.csv");
        RecordTable.of("e", Judged.class, rows).write().csv(csv.toFile());
        Table back = Table.read().csv(csv.toFile());
        assertEquals("within noise", back.stringColumn("side").get(0));
        assertEquals(rows, RecordTable.rows(back, Judged.class));
        Table bad = Table.create("e", StringColumn.create("name", "c"), StringColumn.create("side", "sideways"));
        var e = assertThrows(IllegalArgumentException.class, () -> RecordTable.rows(bad, Judged.class));
        assertTrue(e.getMessage().contains("'sideways', not one of [lower, within noise]"), e.getMessage());
    }

    @Test
    void recordsSurviveACsvRoundTrip(@TempDir Path dir) {
        List<Row> rows = List.of(
                new Row("blocking → blocking, \"quoted\"", 0, 6_000_000_000L, 22.25, Double.NaN, true),
                new Row("64", 1, 12, 1, 0.5, false));
        Path csv = dir.resolve("t.csv");
        RecordTable.of("t", Row.class, rows).write().csv(csv.toFile());
        Table back = Table.read().csv(csv.toFile());
        assertEquals(rows, RecordTable.rows(back, Row.class));
    }

    @Test
    void aMissingColumnIsNamed(@TempDir Path dir) {
        Path csv = dir.resolve("t.csv");
        RecordTable.of("t", Row.class, List.of(new Row("a", 0, 1, 1, 1, true)))
                .write()
                .csv(csv.toFile());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> RecordTable.rows(Table.read().csv(csv.toFile()), Other.class));
        assertTrue(e.getMessage().contains("no column missing"), e.getMessage());
    }

    record Later(String name, long added) {}

    @Test
    void aColumnAddedLaterReadsAsItsDefaultInOlderTables() {
        Table old = Table.create("t", StringColumn.create("name", "a", "b"));
        Table filled = RecordTable.withDefault(old, "added", -1L);
        assertTrue(filled.column("added").type().name().equals("LONG"), "a numeric column, not text");
        assertEquals(List.of(new Later("a", -1), new Later("b", -1)), RecordTable.rows(filled, Later.class));
        Table recorded = RecordTable.of("t", Later.class, List.of(new Later("a", 7)));
        assertEquals(recorded, RecordTable.withDefault(recorded, "added", -1L), "a recorded column is kept");
        assertEquals(1, old.columnCount(), "the old table itself is not changed");
    }

    @Test
    void severalColumnsAddedLaterReadAsTheirDefaults() {
        Table old = Table.create("t", StringColumn.create("name", "a"));
        Table filled = RecordTable.withDefaults(old, Map.of("added", -1, "where", "unrecorded", "name", "kept"));
        assertEquals(List.of("name", "added", "where"), filled.columnNames());
        assertEquals("LONG", filled.column("added").type().name());
        assertEquals("a", filled.stringColumn("name").get(0), "a recorded column is kept");
        assertEquals("unrecorded", filled.stringColumn("where").get(0));
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> RecordTable.withDefaults(old, Map.of("ratio", 0.5)));
        assertTrue(bad.getMessage().contains("ratio") && bad.getMessage().contains("0.5"), bad.getMessage());
    }
}

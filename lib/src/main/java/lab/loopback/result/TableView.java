package lab.loopback.result;

import static lab.loopback.result.HtmlEscape.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A table as a reader sees it: an HTML {@code <table>} (header, units under the column names, numbers right-aligned
 * with one rounding per column, long tables cut with a note) and the same in plain text. Notebooks display it
 * (kernels that render HTML call {@link #toHtml()}, the others print {@link #toString()}), and the report uses the
 * same rendering. The underlying Tablesaw table keeps every value: {@link #table()}.
 */
public final class TableView {
    /** Rows shown before a table is cut; the CSV and {@link #table()} keep them all. */
    public static final int DEFAULT_MAX_ROWS = 50;
    /** Significant digits a column's largest value is shown with. */
    static final int SIGNIFICANT = 4;
    /** A text cell longer than this is cut in the plain-text rendering (HTML wraps it instead). */
    static final int PLAIN_TEXT_CELL = 60;

    private final Table table;
    private final int maxRows;
    private final List<ColumnFormat> formats;

    private TableView(Table table, int maxRows) {
        if (maxRows < 1) throw new IllegalArgumentException("maxRows " + maxRows + ": allowed 1 or more");
        this.table = table;
        this.maxRows = maxRows;
        this.formats = table.columns().stream().map(ColumnFormat::of).toList();
    }

    public static TableView of(Table table) {
        return new TableView(table, DEFAULT_MAX_ROWS);
    }

    public static TableView of(Table table, int maxRows) {
        return new TableView(table, maxRows);
    }

    /** Every row and value, for further work in a notebook cell. */
    public Table table() {
        return table;
    }

    public String name() {
        return table.name();
    }

    private int shownRows() {
        return Math.min(maxRows, table.rowCount());
    }

    /** The note under a cut table, or "" when every row is shown. */
    String cutNote() {
        int n = table.rowCount();
        if (n <= maxRows) return "";
        return String.format(
                Locale.ROOT,
                "%d of %d rows shown; every row: .table() in a notebook, or the table's CSV in the run directory.",
                maxRows,
                n);
    }

    /** The cell as shown: numbers rounded per column, a missing value as an empty cell. */
    String cell(int col, int row) {
        return formats.get(col).format(table.column(col), row);
    }

    public String toHtml() {
        StringBuilder h = new StringBuilder(256 + table.rowCount() * 64);
        h.append("<table class=\"lab-table\" style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\">");
        if (table.name() != null && !table.name().isBlank()) {
            h.append("<caption style=\"caption-side:top;text-align:left;font-weight:bold\">")
                    .append(esc(table.name()))
                    .append("</caption>");
        }
        h.append("<thead><tr>");
        for (int c = 0; c < table.columnCount(); c++) {
            ColumnFormat f = formats.get(c);
            h.append("<th style=\"text-align:")
                    .append(f.align())
                    .append(";padding:2px 8px;border-bottom:1px solid #999\">")
                    .append(esc(table.column(c).name()));
            if (!f.unit().isEmpty())
                h.append("<br><span style=\"font-weight:normal;color:#666\">")
                        .append(esc(f.unit()))
                        .append("</span>");
            h.append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (int r = 0; r < shownRows(); r++) {
            h.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                h.append("<td style=\"text-align:")
                        .append(formats.get(c).align())
                        .append(";padding:2px 8px;vertical-align:top\">")
                        .append(esc(cell(c, r)))
                        .append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</tbody></table>");
        if (!cutNote().isEmpty())
            h.append("<p class=\"lab-table-note\"><i>").append(esc(cutNote())).append("</i></p>");
        return h.toString();
    }

    /** The plain-text rendering: padded columns, numbers right-aligned, units on a second header line. */
    @Override
    public String toString() {
        int cols = table.columnCount(), rows = shownRows();
        String[][] cells = new String[rows][cols];
        int[] width = new int[cols];
        boolean anyUnit = false;
        for (int c = 0; c < cols; c++) {
            width[c] = Math.max(
                    table.column(c).name().length(), formats.get(c).unit().length());
            anyUnit |= !formats.get(c).unit().isEmpty();
            for (int r = 0; r < rows; r++) {
                String s = cell(c, r).replace('\n', ' ');
                if (s.length() > PLAIN_TEXT_CELL) s = s.substring(0, PLAIN_TEXT_CELL - 1) + "…";
                cells[r][c] = s;
                width[c] = Math.max(width[c], s.length());
            }
        }
        StringBuilder b = new StringBuilder();
        if (table.name() != null && !table.name().isBlank())
            b.append(table.name()).append('\n');
        List<String> header = new ArrayList<>(), units = new ArrayList<>(), rule = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            header.add(pad(table.column(c).name(), width[c], formats.get(c).numeric()));
            units.add(pad(formats.get(c).unit(), width[c], formats.get(c).numeric()));
            rule.add("-".repeat(width[c]));
        }
        line(b, header);
        if (anyUnit) line(b, units);
        line(b, rule);
        for (int r = 0; r < rows; r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < cols; c++)
                row.add(pad(cells[r][c], width[c], formats.get(c).numeric()));
            line(b, row);
        }
        if (!cutNote().isEmpty()) b.append(cutNote()).append('\n');
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        b.append(String.join("  ", cells).stripTrailing()).append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    /**
     * How one column is shown. A floating-point column gets the decimals that give its largest value
     * {@value #SIGNIFICANT} significant digits, so the decimal points line up; where that would show a non-zero
     * value as 0, or the values span too many decades, each value gets {@value #SIGNIFICANT} significant digits
     * on its own instead.
     */
    record ColumnFormat(boolean numeric, boolean integral, int decimals, String unit) {
        /** Decimals never exceed this; a column that needs more is shown with significant digits per value. */
        static final int MAX_DECIMALS = 6;

        static final int PER_VALUE = -1;

        static ColumnFormat of(Column<?> col) {
            String unit = Units.of(col.name());
            if (!(col instanceof NumericColumn<?> num)) return new ColumnFormat(false, false, 0, unit);
            boolean integral = switch (col.type().name()) {
                case "INTEGER", "LONG", "SHORT" -> true;
                default -> false;
            };
            if (integral) return new ColumnFormat(true, true, 0, unit);
            double max = 0, minNonZero = Double.POSITIVE_INFINITY;
            for (int r = 0; r < col.size(); r++) {
                if (col.isMissing(r)) continue;
                double a = Math.abs(num.getDouble(r));
                if (!Double.isFinite(a)) continue;
                max = Math.max(max, a);
                if (a > 0) minNonZero = Math.min(minNonZero, a);
            }
            if (max == 0) return new ColumnFormat(true, false, 0, unit);
            int decimals = Math.max(0, SIGNIFICANT - 1 - (int) Math.floor(Math.log10(max)));
            boolean smallestVanishes = minNonZero < 0.5 * Math.pow(10, -decimals);
            if (decimals > MAX_DECIMALS || smallestVanishes || max >= 1e12)
                return new ColumnFormat(true, false, PER_VALUE, unit);
            return new ColumnFormat(true, false, decimals, unit);
        }

        String align() {
            return numeric ? "right" : "left";
        }

        String format(Column<?> col, int row) {
            if (col.isMissing(row)) return "";
            if (!numeric) return String.valueOf(col.get(row));
            NumericColumn<?> num = (NumericColumn<?>) col;
            if (integral) return Long.toString((long) num.getDouble(row));
            double v = num.getDouble(row);
            if (!Double.isFinite(v)) return Double.toString(v);
            if (decimals == PER_VALUE) return significant(v);
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }

        static String significant(double v) {
            double a = Math.abs(v);
            if (a == 0) return "0";
            if (a >= 1e9 || a < 1e-4) return String.format(Locale.ROOT, "%." + (SIGNIFICANT - 1) + "e", v);
            int decimals = Math.max(0, SIGNIFICANT - 1 - (int) Math.floor(Math.log10(a)));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}

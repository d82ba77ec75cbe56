package lab.loopback.result;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A tidy Tablesaw table from a list of records: one row per record, one snake_case column per component. */
public final class RecordTable {
    private RecordTable() {}

    public static <R extends Record> Table of(String name, Class<R> type, List<R> rows) {
        RecordComponent[] comps = type.getRecordComponents();
        List<Column<?>> cols = new ArrayList<>();
        for (RecordComponent c : comps) cols.add(column(snake(c.getName()), c.getType()));
        Table t = Table.create(name, cols.toArray(Column[]::new));
        for (R r : rows) {
            for (int i = 0; i < comps.length; i++) {
                Object v;
                try {
                    v = comps[i].getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(
                            "cannot read " + comps[i].getName() + " of " + type.getSimpleName(), e);
                }
                append(t.column(i), v);
            }
        }
        return t;
    }

    /**
     * The records back from a table that {@link #of} made and a CSV round trip re-read: columns are found by their
     * snake_case names, numbers converted to the component's type, and an empty cell read as NaN for a double
     * (Tablesaw writes NaN as a missing value). A missing column or an unconvertible cell names itself.
     */
    public static <R extends Record> List<R> rows(Table t, Class<R> type) {
        RecordComponent[] comps = type.getRecordComponents();
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
            if (!t.columnNames().contains(snake(comps[i].getName()))) {
                throw new IllegalArgumentException("table '" + t.name() + "' has no column " + snake(comps[i].getName())
                        + " for " + type.getSimpleName() + "; it has " + t.columnNames());
            }
        }
        List<R> out = new ArrayList<>();
        for (int row = 0; row < t.rowCount(); row++) {
            Object[] values = new Object[comps.length];
            for (int i = 0; i < comps.length; i++) {
                Column<?> col = t.column(snake(comps[i].getName()));
                values[i] = value(
                        col.isMissing(row) ? null : col.get(row),
                        types[i],
                        t.name() + " row " + row + " column " + col.name());
            }
            try {
                out.add(type.getDeclaredConstructor(types).newInstance(values));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "cannot make a " + type.getSimpleName() + " from " + t.name() + " row " + row, e);
            }
        }
        return out;
    }

    /**
     * {@code t} itself when it has column {@code column}; else a copy with that column added, every cell
     * {@code value} — how a rule reads a table recorded before the column existed, saying what the old rows mean.
     */
    public static Table withDefault(Table t, String column, String value) {
        if (t.columnNames().contains(column)) return t;
        String[] cells = new String[t.rowCount()];
        Arrays.fill(cells, value);
        return t.copy().addColumns(StringColumn.create(column, cells));
    }

    /** As {@link #withDefault(Table, String, String)}, a numeric column of {@code value}. */
    public static Table withDefault(Table t, String column, long value) {
        if (t.columnNames().contains(column)) return t;
        long[] cells = new long[t.rowCount()];
        Arrays.fill(cells, value);
        return t.copy().addColumns(LongColumn.create(column, cells));
    }

    /**
     * {@link #withDefault} for every column of {@code defaults} (in name order): a {@link String} value makes a text
     * column, a {@link Long} or {@link Integer} a numeric one.
     */
    public static Table withDefaults(Table t, Map<String, ?> defaults) {
        Table out = t;
        for (var d : new TreeMap<>(defaults).entrySet()) {
            out = switch (d.getValue()) {
                case String text -> withDefault(out, d.getKey(), text);
                case Long number -> withDefault(out, d.getKey(), number);
                case Integer number -> withDefault(out, d.getKey(), number.longValue());
                case null, default ->
                    throw new IllegalArgumentException("default of column " + d.getKey() + " is " + d.getValue()
                            + "; allowed: a String, a Long or an Integer");
            };
        }
        return out;
    }

    private static Object value(Object cell, Class<?> type, String where) {
        String text = cell == null ? "" : cell.toString().trim();
        try {
            if (type == double.class || type == Double.class)
                return cell instanceof Number n
                        ? n.doubleValue()
                        : text.isEmpty() ? Double.NaN : Double.parseDouble(text);
            if (type == String.class) return cell == null ? "" : cell.toString();
            if (text.isEmpty()) {
                if (type.isPrimitive())
                    throw new IllegalArgumentException(where + " is empty; a " + type + " is needed");
                return null;
            }
            if (type == int.class || type == Integer.class)
                return cell instanceof Number n ? n.intValue() : Integer.parseInt(text);
            if (type == long.class || type == Long.class)
                return cell instanceof Number n ? n.longValue() : Long.parseLong(text);
            if (type.isEnum()) return constant(type, text, where);
            if (type == boolean.class || type == Boolean.class) {
                if (cell instanceof Boolean b) return b;
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) return Boolean.parseBoolean(text);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " holds '" + text + "', not a " + type.getSimpleName(), e);
        }
        throw new IllegalArgumentException(where + " holds '" + text + "', not a " + type.getSimpleName());
    }

    /**
     * The enum constant a cell names: its name, or the words its {@code toString} writes ("within noise" for
     * WITHIN_NOISE), so an enum may write itself as a reader reads it and still come back.
     */
    private static Object constant(Class<?> type, String text, String where) {
        String name = text.toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (Object c : type.getEnumConstants())
            if (((Enum<?>) c).name().equals(name) || c.toString().equals(text)) return c;
        throw new IllegalArgumentException(
                where + " holds '" + text + "', not one of " + Arrays.toString(type.getEnumConstants()));
    }

    private static Column<?> column(String name, Class<?> type) {
        if (type == int.class || type == Integer.class) return IntColumn.create(name);
        if (type == long.class || type == Long.class) return LongColumn.create(name);
        if (type == double.class || type == Double.class) return DoubleColumn.create(name);
        if (type == boolean.class || type == Boolean.class) return BooleanColumn.create(name);
        return StringColumn.create(name);
    }

    private static void append(Column<?> col, Object v) {
        switch (col) {
            case IntColumn c -> {
                if (v == null) c.appendMissing();
                else c.append((Integer) v);
            }
            case LongColumn c -> {
                if (v == null) c.appendMissing();
                else c.append((Long) v);
            }
            case DoubleColumn c -> {
                if (v == null) c.appendMissing();
                else c.append((Double) v);
            }
            case BooleanColumn c -> {
                if (v == null) c.appendMissing();
                else c.append((Boolean) v);
            }
            case StringColumn c -> c.append(v == null ? "" : v.toString());
            default -> throw new IllegalStateException("unsupported column " + col.type());
        }
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}

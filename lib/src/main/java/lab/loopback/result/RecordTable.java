package lab.loopback.result;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

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
                    throw new IllegalStateException("cannot read " + comps[i].getName() + " of " + type.getSimpleName(), e);
                }
                append(t.column(i), v);
            }
        }
        return t;
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
            case IntColumn c -> { if (v == null) c.appendMissing(); else c.append((Integer) v); }
            case LongColumn c -> { if (v == null) c.appendMissing(); else c.append((Long) v); }
            case DoubleColumn c -> { if (v == null) c.appendMissing(); else c.append((Double) v); }
            case BooleanColumn c -> { if (v == null) c.appendMissing(); else c.append((Boolean) v); }
            case StringColumn c -> c.append(v == null ? "" : v.toString());
            default -> throw new IllegalStateException("unsupported column " + col.type());
        }
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}

package lab.loopback.measure;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The line protocol between the workbench and its child JVMs, typed: each message is a record whose simple name,
 * upper-cased, is the line's keyword and whose components follow it, space-separated, in order. The child writes
 * {@code ChildLine.format(new Ready(address))}, the parent reads {@code child.expect(Ready.class, ms)}; one record
 * type formats and parses, so the two sides cannot disagree about a field's place. A last String component takes the
 * rest of the line (it may hold spaces); any other component may not.
 */
public final class ChildLine {
    private ChildLine() {}

    /** A child is listening (its address or port as it prints it), or otherwise ready. */
    public record Ready(String address) {}

    /** The stream receiver was asked for a trial: read {@code readSize} bytes at a time, with O_NONBLOCK when asked. */
    public record Trial(int readSize, boolean nonBlocking) {}

    /**
     * The stream receiver built its buffers (set-up never timed) and reads on thread {@code tid}; the rpc echo server
     * accepts and answers on thread {@code tid}.
     */
    public record Armed(long tid) {}

    /** The stream receiver's account of one trial. */
    public record Result(
            long bytes,
            long mismatchAt,
            long reads,
            long userNanos,
            long sysNanos,
            long verifyNanos,
            long firstByteNanos,
            long endNanos) {}

    /** The line's keyword for a message type: its simple name, upper-cased. */
    public static String keyword(Class<? extends Record> type) {
        return type.getSimpleName().toUpperCase(Locale.ROOT);
    }

    public static String format(Record message) {
        StringBuilder b = new StringBuilder(keyword(message.getClass()));
        RecordComponent[] comps = message.getClass().getRecordComponents();
        for (int i = 0; i < comps.length; i++) {
            String v;
            try {
                v = String.valueOf(comps[i].getAccessor().invoke(message));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + comps[i].getName() + " of " + message, e);
            }
            boolean last = i == comps.length - 1 && comps[i].getType() == String.class;
            if (!last && (v.isEmpty() || v.contains(" ")))
                throw new IllegalArgumentException(keyword(message.getClass()) + " " + comps[i].getName() + " '" + v
                        + "' must be one word: only a last String field may hold spaces");
            b.append(' ').append(v);
        }
        return b.toString();
    }

    /** {@code line} as a {@code type} message; an error naming the line and the field when it is not one. */
    public static <R extends Record> R parse(String line, Class<R> type) {
        String key = keyword(type);
        if (!(line.equals(key) || line.startsWith(key + " ")))
            throw new IllegalArgumentException("expected a " + key + " line, got '" + line + "'");
        RecordComponent[] comps = type.getRecordComponents();
        String rest = line.length() > key.length() ? line.substring(key.length() + 1) : "";
        List<String> words = new ArrayList<>();
        for (int i = 0; i < comps.length; i++) {
            boolean last = i == comps.length - 1;
            if (last && comps[i].getType() == String.class) {
                words.add(rest);
                rest = "";
                break;
            }
            int sp = rest.indexOf(' ');
            words.add(sp < 0 ? rest : rest.substring(0, sp));
            rest = sp < 0 ? "" : rest.substring(sp + 1);
        }
        if (!rest.isEmpty()
                || words.size() != comps.length
                || (comps.length > 0 && words.getLast().isEmpty() && comps[comps.length - 1].getType() != String.class))
            throw new IllegalArgumentException("'" + line + "' is not " + key + " with " + comps.length + " field(s)");
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
            values[i] = value(words.get(i), types[i], line, comps[i].getName());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName() + " from '" + line + "'", e);
        }
    }

    private static Object value(String word, Class<?> type, String line, String field) {
        try {
            if (type == String.class) return word;
            if (type == int.class) return Integer.parseInt(word);
            if (type == long.class) return Long.parseLong(word);
            if (type == double.class) return Double.parseDouble(word);
            if (type == boolean.class) {
                if (!word.equals("true") && !word.equals("false")) throw new NumberFormatException(word);
                return Boolean.parseBoolean(word);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + line + "': " + field + " '" + word + "' is not a " + type.getSimpleName());
        }
        throw new IllegalArgumentException("a child line cannot carry a " + type.getSimpleName() + " (" + field + ")");
    }
}

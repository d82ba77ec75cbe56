package lab.loopback.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a tracefs trace: who (task, pid), where (cpu), when (seconds on the instance's trace clock),
 * what (the event's name) and its printed fields ("dev=lo len=66" → {dev: lo, len: 66}; events that do not
 * print key=value pairs keep only {@link #details}).
 */
public record TraceEvent(
        String task, int pid, int cpu, double seconds, String event, String details, Map<String, String> fields) {
    private static final Pattern LINE =
            Pattern.compile("^\\s*(.+?)-(\\d+)\\s+\\[(\\d+)]\\s+(?:\\S{4,6}\\s+)?(\\d+\\.\\d+):\\s+([\\w]+):\\s?(.*)$");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

    public TraceEvent {
        fields = Map.copyOf(fields);
    }

    /** Parses one trace line; null for comments, blank lines and lines that are not events. */
    public static TraceEvent parse(String line) {
        if (line.isBlank() || line.startsWith("#")) return null;
        Matcher m = LINE.matcher(line);
        if (!m.matches()) return null;
        Map<String, String> f = new LinkedHashMap<>();
        Matcher fm = FIELD.matcher(m.group(6));
        while (fm.find()) f.putIfAbsent(fm.group(1), fm.group(2));
        return new TraceEvent(
                m.group(1).trim(),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Double.parseDouble(m.group(4)),
                m.group(5),
                m.group(6).trim(),
                f);
    }

    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    /** The time in nanoseconds on the trace clock (CLOCK_MONOTONIC with trace_clock=mono, microsecond resolution). */
    public long nanos() {
        return Math.round(seconds * 1e9);
    }
}

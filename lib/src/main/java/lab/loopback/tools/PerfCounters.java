package lab.loopback.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.sys.Command;

/**
 * Hardware cache-miss counters through {@code perf stat -x,}: whether this host has them (VMs and containers often
 * do not), and counts for one process over a few seconds when it does.
 */
public final class PerfCounters {
    public static final List<String> CACHE_EVENTS = List.of("L1-dcache-load-misses", "LLC-load-misses");

    private PerfCounters() {}

    /** Why cache counters cannot be read here, or null when they can. */
    public static String cacheCountersUnavailable() {
        String why = unusable(CACHE_EVENTS);
        return why == null ? null : why + ": no hardware cache counters on this host";
    }

    /**
     * Why {@code perf stat} cannot count {@code events} here (not installed; no tracefs for tracepoints, not root,
     * no hardware counters — in perf's own words), or null when it counts every one of them. Asked with a no-op
     * workload, before a real one is started under perf.
     */
    public static String unusable(List<String> events) {
        if (Command.which("perf") == null) return "perf is not installed (Debian package linux-perf)";
        Command c = Command.run(List.of("perf", "stat", "-x,", "-e", String.join(",", events), "--", "true"), 20_000);
        if (parse(c.stderr()).keySet().containsAll(events)) return null;
        return "perf is installed but cannot count " + String.join(", ", events) + " here: " + reason(c.stderr());
    }

    /** perf's own reason ("Error: Unable to find debugfs/tracefs" → "Unable to find debugfs/tracefs"), else its first line. */
    public static String reason(String stderr) {
        return stderr.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("Error:"))
                .map(l -> l.substring(6).strip())
                .findFirst()
                .orElse(stderr.lines()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .findFirst()
                        .orElse("no output"));
    }

    /** perf stat of process {@code pid} for {@code seconds}: event → count (events perf could not count are absent). */
    public static Map<String, Long> countProcess(long pid, int seconds) {
        Command c = Command.run(
                List.of(
                        "perf",
                        "stat",
                        "-x,",
                        "-e",
                        String.join(",", CACHE_EVENTS),
                        "-p",
                        Long.toString(pid),
                        "--",
                        "sleep",
                        Integer.toString(seconds)),
                (seconds + 20) * 1000L);
        return parse(c.stderr());
    }

    /** CSV lines "count,unit,event,…"; "<not supported>" and "<not counted>" lines are left out. */
    public static Map<String, Long> parse(String csv) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            if (f.length < 3) continue;
            try {
                out.put(f[2].trim(), Long.parseLong(f[0].trim()));
            } catch (NumberFormatException ignored) {
                // "<not supported>" / "<not counted>"
            }
        }
        return out;
    }
}

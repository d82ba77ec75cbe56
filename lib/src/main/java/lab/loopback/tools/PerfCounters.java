package lab.loopback.tools;

import lab.loopback.sys.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hardware cache-miss counters through {@code perf stat -x,}: whether this host has them (VMs and containers often
 * do not), and counts for one process over a few seconds when it does.
 */
public final class PerfCounters {
    public static final List<String> CACHE_EVENTS = List.of("L1-dcache-load-misses", "LLC-load-misses");

    private PerfCounters() {}

    /** Why cache counters cannot be read here, or null when they can. */
    public static String cacheCountersUnavailable() {
        if (Command.which("perf") == null) return "perf is not installed (Debian package linux-perf)";
        Command c = Command.run(List.of("perf", "stat", "-x,", "-e", String.join(",", CACHE_EVENTS), "--", "true"), 20_000);
        Map<String, Long> counts = parse(c.stderr());
        if (counts.size() == CACHE_EVENTS.size()) return null;
        String first = c.stderr().lines().filter(l -> !l.isBlank()).findFirst().orElse("no output").trim();
        return "perf stat cannot count " + String.join(", ", CACHE_EVENTS) + " here (" + first + "): no hardware cache counters on this host";
    }

    /** perf stat of process {@code pid} for {@code seconds}: event → count (events perf could not count are absent). */
    public static Map<String, Long> countProcess(long pid, int seconds) {
        Command c = Command.run(List.of("perf", "stat", "-x,", "-e", String.join(",", CACHE_EVENTS), "-p", Long.toString(pid),
                "--", "sleep", Integer.toString(seconds)), (seconds + 20) * 1000L);
        return parse(c.stderr());
    }

    /** CSV lines "count,unit,event,…"; "<not supported>" and "<not counted>" lines are left out. */
    static Map<String, Long> parse(String csv) {
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

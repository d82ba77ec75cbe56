package lab.loopback.result;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The unit a recorded column's snake_case name ends in, spelled for a reader ("p50_micros" → "µs"). Column names
 * keep their units because the CSVs must be self-explaining; tables show them again under the name.
 */
final class Units {
    private Units() {}

    /** Suffix → unit, longest suffixes first so "_ns_per_byte" wins over "_per_byte". */
    private static final List<Map.Entry<String, String>> SUFFIXES = List.of(
            Map.entry("_micros_per_round_trip", "µs per round trip"),
            Map.entry("_ns_per_byte", "ns/B"),
            Map.entry("gbit_per_second", "Gbit/s"),
            Map.entry("gbit_per_s", "Gbit/s"),
            Map.entry("_per_mi_b", "per MiB"),
            Map.entry("_per_segment", "per segment"),
            Map.entry("_per_round_trip", "per round trip"),
            Map.entry("_per_byte", "per byte"),
            Map.entry("_percent", "%"),
            Map.entry("_micros", "µs"),
            Map.entry("_nanos", "ns"),
            Map.entry("_gbit", "Gbit/s"),
            Map.entry("_bytes", "B"),
            Map.entry("seconds", "s"));

    static String of(String column) {
        String n = column.toLowerCase(Locale.ROOT);
        for (var e : SUFFIXES) {
            // a column named just "bytes" or "micros" has that unit too; one named "per_segment" says it already
            boolean bare = !e.getKey().startsWith("_per") && n.equals(e.getKey().substring(1));
            if (n.endsWith(e.getKey()) || bare) return e.getValue();
        }
        return "";
    }
}

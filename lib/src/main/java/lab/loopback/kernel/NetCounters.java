package lab.loopback.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One snapshot of the kernel's network counters of the reading process's network namespace:
 * per-device packets and bytes from /proc/net/dev ("dev.lo.tx_packets"), and the SNMP MIBs of
 * /proc/net/snmp and /proc/net/netstat ("Ip.InReceives", "Tcp.OutSegs", "TcpExt.TCPOrigDataSent"), and the
 * per-CPU backlog's totals over all CPUs from /proc/net/softnet_stat ("softnet.dropped", host-wide).
 * {@link #minus} gives what one action moved; the kernel counts, nothing here is inferred.
 */
public record NetCounters(Map<String, Long> values) {
    private static final List<String> DEV_FIELDS = List.of(
            "rx_bytes",
            "rx_packets",
            "rx_errs",
            "rx_drop",
            "rx_fifo",
            "rx_frame",
            "rx_compressed",
            "rx_multicast",
            "tx_bytes",
            "tx_packets",
            "tx_errs",
            "tx_drop",
            "tx_fifo",
            "tx_colls",
            "tx_carrier",
            "tx_compressed");

    public NetCounters {
        values = Map.copyOf(values);
    }

    /** Reads /proc/net/{dev,snmp,netstat} under {@code procRoot} ("/proc" on a live host). */
    public static NetCounters read(Path procRoot) {
        Map<String, Long> v = new LinkedHashMap<>();
        v.putAll(parseDev(readOrEmpty(procRoot.resolve("net/dev"))));
        v.putAll(parseMib(readOrEmpty(procRoot.resolve("net/snmp"))));
        v.putAll(parseMib(readOrEmpty(procRoot.resolve("net/netstat"))));
        v.putAll(parseSoftnet(readOrEmpty(procRoot.resolve("net/softnet_stat"))));
        return new NetCounters(v);
    }

    public static NetCounters read() {
        return read(Path.of("/proc"));
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** "  lo: 123 4 0 …" lines after the two header lines → dev.lo.rx_bytes … */
    static Map<String, Long> parseDev(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) continue;
            String dev = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            for (int i = 0; i < Math.min(f.length, DEV_FIELDS.size()); i++) {
                out.put("dev." + dev + "." + DEV_FIELDS.get(i), Long.parseLong(f[i]));
            }
        }
        return out;
    }

    /** The first columns of softnet_stat, in the kernel's order (net/core/net-procfs.c). */
    private static final List<String> SOFTNET_FIELDS = List.of("processed", "dropped", "time_squeeze");

    /**
     * One line of hex columns per CPU → their sums: softnet.processed (packets the backlog/NAPI handled), softnet.dropped
     * (backlog full), softnet.time_squeeze (the softirq ran out of budget with work left).
     */
    static Map<String, Long> parseSoftnet(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i < Math.min(f.length, SOFTNET_FIELDS.size()); i++)
                out.merge("softnet." + SOFTNET_FIELDS.get(i), Long.parseLong(f[i], 16), Long::sum);
        }
        return out;
    }

    /** Header/value line pairs "Tcp: RtoAlgorithm …" / "Tcp: 1 …" → Tcp.RtoAlgorithm … */
    static Map<String, Long> parseMib(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            String[] names = lines.get(i).trim().split("\\s+");
            String[] vals = lines.get(i + 1).trim().split("\\s+");
            if (names.length != vals.length || !names[0].equals(vals[0]) || !names[0].endsWith(":")) {
                throw new IllegalArgumentException("MIB lines do not pair up at '" + names[0] + "'");
            }
            String group = names[0].substring(0, names[0].length() - 1);
            for (int k = 1; k < names.length; k++) out.put(group + "." + names[k], Long.parseLong(vals[k]));
        }
        return out;
    }

    public long get(String key) {
        Long v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no counter '" + key + "' on this host");
        return v;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Counters that changed since {@code earlier}, sorted by name (gauges such as Tcp.CurrEstab may go down). */
    public Map<String, Long> minus(NetCounters earlier) {
        Map<String, Long> d = new TreeMap<>();
        for (var e : values.entrySet()) {
            Long before = earlier.values.get(e.getKey());
            if (before == null) continue;
            long diff = e.getValue() - before;
            if (diff != 0) d.put(e.getKey(), diff);
        }
        return d;
    }
}

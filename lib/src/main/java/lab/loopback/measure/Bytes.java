package lab.loopback.measure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people read them: 4096 → "4 KiB", 1536 → "1.5 KiB", 64 → "64 B". */
public final class Bytes {
    private Bytes() {}

    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? String.format("%d", (long) v) : String.format("%.1f", v)) + " " + units[u];
    }

    /** Parses "4096", "64K", "64KiB", "1M", "1 MiB" into bytes; anything else is an error naming the text. */
    public static long parse(String text) {
        String s = text.trim().replace(" ", "");
        Matcher m = Pattern.compile("(?i)(\\d+)(k|kib|kb|m|mib|mb|g|gib|gb|b)?").matcher(s);
        if (!m.matches())
            throw new IllegalArgumentException("size '" + text + "' is not a byte count like 4096, 64K or 1MiB");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase();
        long mult = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Math.multiplyExact(n, mult);
    }
}

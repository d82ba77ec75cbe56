package lab.loopback.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The data caches of CPU 0 as sysfs describes them (/sys/devices/system/cpu/cpu0/cache/index*). */
public final class CpuCaches {
    /** One cache: level, type (Data, Unified) and size in bytes. */
    public record Cache(int level, String type, long bytes) {}

    private CpuCaches() {}

    /** Data and unified caches, smallest level first; empty when sysfs does not describe them. */
    public static List<Cache> read() {
        return read(Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    static List<Cache> read(Path dir) {
        List<Cache> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path idx : s.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                String type = Files.readString(idx.resolve("type")).trim();
                if (type.equals("Instruction")) continue;
                out.add(new Cache(Integer.parseInt(Files.readString(idx.resolve("level")).trim()), type, parseSize(Files.readString(idx.resolve("size")).trim())));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(Comparator.comparingInt(Cache::level));
        return out;
    }

    /** sysfs sizes: "48K", "32768K", "2M"; plain numbers are bytes. */
    static long parseSize(String s) {
        char unit = s.charAt(s.length() - 1);
        long mult = switch (unit) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong(mult == 1 ? s : s.substring(0, s.length() - 1)) * mult;
    }
}

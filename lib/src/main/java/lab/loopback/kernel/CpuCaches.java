package lab.loopback.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.sys.Libc;

/**
 * The data caches of CPU 0 as sysfs describes them (/sys/devices/system/cpu/cpu0/cache/index*), else as the C
 * library's sysconf(3) reports them (glibc asks CPUID on x86; some VMs have no cache directory in sysfs).
 */
public final class CpuCaches {
    /** One cache: level, type (Data, Unified) and size in bytes. */
    public record Cache(int level, String type, long bytes) {}

    private CpuCaches() {}

    /** glibc's sysconf names for the L1 data, L2 and L3 cache sizes (bits/confname.h). */
    static final int SC_LEVEL1_DCACHE_SIZE = 188, SC_LEVEL2_CACHE_SIZE = 191, SC_LEVEL3_CACHE_SIZE = 194;

    /** The caches found and where: "sysfs, cpu0", sysconf(3), or why there are none. */
    public record Found(List<Cache> caches, String source) {}

    static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");
    static final String SYSCONF = "sysconf(3), which glibc answers from CPUID, on a VM as the hypervisor presents it";

    /** Data and unified caches, smallest level first; from sysfs, else sysconf; empty when neither knows. */
    public static List<Cache> read() {
        return find().caches();
    }

    /** Where {@link #read()} found its answer, for evidence lines. */
    public static String source() {
        return find().source();
    }

    public static Found find() {
        return find(SYSFS, true);
    }

    /** {@code sysfsDir} is a fake tree in tests; {@code askSysconf} only for the live host, whose CPU sysconf describes. */
    static Found find(Path sysfsDir, boolean askSysconf) {
        List<Cache> sysfs = read(sysfsDir);
        if (!sysfs.isEmpty()) return vetted(sysfs, "sysfs, cpu0" + sharing(sysfsDir));
        List<Cache> sysconf = askSysconf ? fromSysconf() : List.of();
        if (!sysconf.isEmpty()) return vetted(sysconf, SYSCONF);
        return new Found(
                List.of(),
                "unknown: no cache directory in sysfs" + (askSysconf ? " and sysconf(3) reports no sizes" : ""));
    }

    /** Larger than this, a per-instance cache size is not a cache any CPU has (a VM's CPUID can say anything). */
    static final long IMPLAUSIBLE = 1L << 30;

    /**
     * The caches without those whose size no CPU has — zero, above {@link #IMPLAUSIBLE}, or a level smaller than the
     * level below it — which the source then names as flagged and not used.
     */
    static Found vetted(List<Cache> caches, String source) {
        List<Cache> kept = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        long below = 0;
        for (Cache c : caches) {
            String why = c.bytes() <= 0
                    ? "no size"
                    : c.bytes() > IMPLAUSIBLE
                            ? "larger than 1 GiB"
                            : c.bytes() < below ? "smaller than the level below it" : null;
            if (why == null) {
                kept.add(c);
                below = Math.max(below, c.bytes());
            } else flagged.add("L" + c.level() + " " + c.type() + " of " + c.bytes() + " B (" + why + ")");
        }
        return new Found(
                List.copyOf(kept),
                flagged.isEmpty()
                        ? source
                        : source + "; flagged as implausible, not used: " + String.join(", ", flagged));
    }

    /**
     * Which CPUs share the last-level cache, from sysfs: its size is per that group (on AMD, one CCX), not the socket's.
     */
    private static String sharing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path idx : s.filter(p -> p.getFileName().toString().startsWith("index"))
                    .sorted(Comparator.reverseOrder())
                    .toList()) {
                Path shared = idx.resolve("shared_cpu_list");
                if (Files.isReadable(shared)
                        && Files.readString(idx.resolve("level")).trim().equals("3"))
                    return " (L3 shared by CPUs " + Files.readString(shared).trim()
                            + ": its size is per that group — one CCX on AMD — not the whole socket's)";
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    static List<Cache> fromSysconf() {
        List<Cache> out = new ArrayList<>();
        long l1 = Libc.sysconf(SC_LEVEL1_DCACHE_SIZE),
                l2 = Libc.sysconf(SC_LEVEL2_CACHE_SIZE),
                l3 = Libc.sysconf(SC_LEVEL3_CACHE_SIZE);
        if (l1 > 0) out.add(new Cache(1, "Data", l1));
        if (l2 > 0) out.add(new Cache(2, "Unified", l2));
        if (l3 > 0) out.add(new Cache(3, "Unified", l3));
        return out;
    }

    static List<Cache> read(Path dir) {
        List<Cache> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path idx : s.filter(p -> p.getFileName().toString().startsWith("index"))
                    .toList()) {
                String type = Files.readString(idx.resolve("type")).trim();
                if (type.equals("Instruction")) continue;
                out.add(new Cache(
                        Integer.parseInt(Files.readString(idx.resolve("level")).trim()),
                        type,
                        parseSize(Files.readString(idx.resolve("size")).trim())));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(Comparator.comparingInt(Cache::level));
        return out;
    }

    /** sysfs sizes: "48K", "32768K", "2M" (either case, spaces ignored); plain numbers are bytes. */
    static long parseSize(String size) {
        String s = size.trim();
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long mult = switch (unit) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong((mult == 1 ? s : s.substring(0, s.length() - 1)).trim()) * mult;
    }
}

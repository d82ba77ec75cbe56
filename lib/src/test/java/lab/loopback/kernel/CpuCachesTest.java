package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CPU 0's data caches from sysfs, else from sysconf(3) (this project's own VM has no sysfs cache directory). */
class CpuCachesTest {
    @Test
    void sysfsIsReadAndSysconfFillsInWhenItIsMissing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String[] idx : new String[][] {
            {"index0", "1", "Data", "48K"}, {"index1", "1", "Instruction", "32K"}, {"index2", "2", "Unified", "1024K"}
        }) {
            Path d = Files.createDirectories(dir.resolve(idx[0]));
            Files.writeString(d.resolve("level"), idx[1] + "\n");
            Files.writeString(d.resolve("type"), idx[2] + "\n");
            Files.writeString(d.resolve("size"), idx[3] + "\n");
        }
        assertEquals(
                List.of(new CpuCaches.Cache(1, "Data", 49152), new CpuCaches.Cache(2, "Unified", 1 << 20)),
                CpuCaches.read(dir));
        assertTrue(CpuCaches.read(dir.resolve("absent")).isEmpty());
        assertEquals("sysfs, cpu0", CpuCaches.find(dir, false).source(), "no L3 here, so no sharing to name");
        CpuCaches.Found none = CpuCaches.find(dir.resolve("absent"), false);
        assertTrue(none.caches().isEmpty() && none.source().startsWith("unknown"), none.source());
        // glibc answers sysconf(_SC_LEVEL1_DCACHE_SIZE) from CPUID on x86-64, the platform this workbench runs on
        List<CpuCaches.Cache> sysconf = CpuCaches.fromSysconf();
        assertFalse(sysconf.isEmpty(), "sysconf knows no cache sizes");
        assertEquals(1, sysconf.getFirst().level());
        assertTrue(sysconf.stream().allMatch(c -> c.bytes() > 0));
        assertFalse(CpuCaches.read().isEmpty(), "one of the two sources answers");
    }

    @Test
    void anImplausibleSizeIsFlaggedNotUsed() {
        var l1 = new CpuCaches.Cache(1, "Data", 32 << 10);
        var l2 = new CpuCaches.Cache(2, "Unified", 1 << 20);
        CpuCaches.Found f = CpuCaches.vetted(List.of(l1, l2, new CpuCaches.Cache(3, "Unified", 4L << 30)), "sysconf");
        assertEquals(List.of(l1, l2), f.caches());
        assertTrue(
                f.source().contains("flagged as implausible, not used: L3 Unified of 4294967296 B (larger than 1 GiB)"),
                f.source());
        CpuCaches.Found shrunk = CpuCaches.vetted(List.of(l1, l2, new CpuCaches.Cache(3, "Unified", 512 << 10)), "s");
        assertEquals(List.of(l1, l2), shrunk.caches());
        assertTrue(shrunk.source().contains("smaller than the level below it"), shrunk.source());
        assertEquals("s", CpuCaches.vetted(List.of(l1, l2), "s").source(), "nothing to flag");
    }

    @Test
    void theL3SharingIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("index3"));
        Files.writeString(d.resolve("level"), "3\n");
        Files.writeString(d.resolve("type"), "Unified\n");
        Files.writeString(d.resolve("size"), "32768K\n");
        Files.writeString(d.resolve("shared_cpu_list"), "0-7\n");
        CpuCaches.Found f = CpuCaches.find(dir, false);
        assertEquals(List.of(new CpuCaches.Cache(3, "Unified", 32L << 20)), f.caches());
        assertTrue(f.source().startsWith("sysfs, cpu0 (L3 shared by CPUs 0-7"), f.source());
    }
}

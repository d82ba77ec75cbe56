package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProbeTest {
    private static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void readsAFakeHost(@TempDir Path root) throws IOException {
        write(root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
        write(
                root,
                "proc/cpuinfo",
                "processor\t: 0\nmodel name\t: Test CPU(R) 9000 @ 3.0GHz\nflags\t\t: fpu sse hypervisor avx\n\nprocessor\t: 1\n");
        write(root, "proc/meminfo", "MemTotal:       2048000 kB\n");
        write(root, "proc/sys/net/ipv4/tcp_congestion_control", "bbr\n");
        write(root, "proc/sys/kernel/io_uring_disabled", "2\n");
        write(root, "sys/devices/system/cpu/cpu0/cache/index0/level", "1");
        write(root, "sys/devices/system/cpu/cpu0/cache/index0/type", "Data");
        write(root, "sys/devices/system/cpu/cpu0/cache/index0/size", "48K");
        write(root, "sys/devices/system/cpu/cpu0/cache/index1/level", "1");
        write(root, "sys/devices/system/cpu/cpu0/cache/index1/type", "Instruction");
        write(root, "sys/devices/system/cpu/cpu0/cache/index1/size", "32K");
        write(root, "sys/devices/system/cpu/cpu0/cache/index3/level", "3");
        write(root, "sys/devices/system/cpu/cpu0/cache/index3/type", "Unified");
        write(root, "sys/devices/system/cpu/cpu0/cache/index3/size", "32768K");
        HostFingerprint h = new HostProbe(root).fingerprint();
        assertEquals("6.1.0-test", h.kernelRelease());
        assertEquals(2, h.logicalCpus());
        assertEquals("Test CPU(R) 9000 @ 3.0GHz", h.cpuModel());
        assertEquals(2048000L * 1024, h.memoryBytes());
        assertEquals(48 * 1024L, h.cacheBytes().get("L1d"));
        assertEquals(32L << 20, h.lastLevelCacheBytes());
        assertEquals(Set.of("L1d", "L3"), h.cacheBytes().keySet(), "data and unified caches only");
        assertEquals("sysfs, cpu0", h.cacheSource());
        assertEquals("bbr", h.defaultCongestionControl());
        assertEquals(2, h.ioUringDisabled());
        assertTrue(h.virtualization().startsWith("vm"));
        assertFalse(h.root(), "a fake tree never claims root");
        assertEquals("unavailable: kernel has no tracefs", h.tracefs());
        assertTrue(h.hostId().startsWith("test-9000-2c-linux6.1-"), h.hostId());
    }

    @Test
    void anEmptyHostIsDescribedNotFatal(@TempDir Path root) {
        HostFingerprint h = new HostProbe(root).fingerprint();
        assertNull(h.ioUringDisabled());
        assertEquals(0, h.lastLevelCacheBytes());
        assertTrue(h.cacheSource().startsWith("unknown"), "a fake tree never asks the live CPU: " + h.cacheSource());
        assertEquals("unknown", h.defaultCongestionControl());
    }

    @Test
    void hostIdChangesWithTheConfiguration() {
        assertNotEquals(
                HostProbe.hostId("cpu", 2, 1L << 34, "6.1", "vm"), HostProbe.hostId("cpu", 4, 1L << 34, "6.1", "vm"));
        assertEquals(
                HostProbe.hostId("cpu", 2, 1L << 34, "6.1", "vm"), HostProbe.hostId("cpu", 2, 1L << 34, "6.1", "vm"));
        // the sizes HostProbe parsed before it shared CpuCaches' reader
        assertEquals(8L << 20, CpuCaches.parseSize("8M"));
        assertEquals(512, CpuCaches.parseSize("512"));
        assertEquals(48 * 1024L, CpuCaches.parseSize(" 48k "));
    }

    @Test
    void theLiveHostHasAKernelAndCpus() {
        HostFingerprint h = HostProbe.probe();
        assertTrue(h.logicalCpus() > 0);
        assertFalse(h.kernelRelease().isBlank());
    }

    @Test
    void theLiveHostRecordsTheCachesTheExperimentsUse() {
        // host.json once said {} on a VM without cache sysfs while FIN-1 read the sizes from sysconf(3)
        HostFingerprint h = HostProbe.probe();
        CpuCaches.Found found = CpuCaches.find();
        assertEquals(
                found.caches().stream().map(CpuCaches.Cache::bytes).sorted().toList(),
                h.cacheBytes().values().stream().sorted().toList());
        assertEquals(found.source(), h.cacheSource());
        long largest =
                found.caches().stream().mapToLong(CpuCaches.Cache::bytes).max().orElse(0);
        assertEquals(largest, h.lastLevelCacheBytes());
    }
}

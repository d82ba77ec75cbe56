package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LockedMemoryTest {
    @Test
    void capabilityMasksAreReadBitByBit() {
        assertTrue(LockedMemory.capability("0000000000004000", LockedMemory.CAP_IPC_LOCK));
        assertFalse(LockedMemory.capability("000001ffffffbfff", LockedMemory.CAP_IPC_LOCK));
        assertEquals("8 MiB (ulimit -l 8192)", LockedMemory.describe(8 << 20));
        assertEquals("64 KiB (ulimit -l 64)", LockedMemory.describe(64 << 10));
        assertEquals("unlimited", LockedMemory.describe(Long.MAX_VALUE));
    }

    /** getrlimit through FFM agrees with the kernel's own /proc/self/limits line. */
    @Test
    void theSoftLimitIsTheKernels() throws Exception {
        String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max locked memory"))
                .findFirst()
                .orElseThrow();
        String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
        assertEquals(soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft), LockedMemory.softLimit(), line);
    }
}

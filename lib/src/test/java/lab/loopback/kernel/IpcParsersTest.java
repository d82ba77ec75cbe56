package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** /proc/net/tcp queues and sysfs cache sizes as the kernel prints them. */
class IpcParsersTest {
    @Test
    void queuedBytesSumEstablishedSocketsOnThePort() {
        String t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1\n" // listener: not counted
                + "   1: 0100007F:1F90 0100007F:C350 01 00000000:00010000 00:00000000 00000000     0        0 2 1\n" // receiver: 64 KiB unread
                + "   2: 0100007F:C350 0100007F:1F90 01 00002000:00000000 00:00000000 00000000     0        0 3 1\n" // sender: 8 KiB in flight
                + "   3: 0100007F:0050 0100007F:C351 01 00FFFFFF:00FFFFFF 00:00000000 00000000     0        0 4 1\n"; // another port
        assertEquals(0x10000 + 0x2000, ConnectionQueues.parse(t, 0x1F90));
        assertEquals(0, ConnectionQueues.parse(t, 1234));
    }

    @Test
    void cacheSizesInSysfsNotation() {
        assertEquals(48 * 1024, CpuCaches.parseSize("48K"));
        assertEquals(32L << 20, CpuCaches.parseSize("32768K"));
        assertEquals(2L << 20, CpuCaches.parseSize("2M"));
        assertEquals(512, CpuCaches.parseSize("512"));
        var caches = CpuCaches.read();
        caches.forEach(c -> assertEquals(false, c.type().equals("Instruction")));
    }
}

package lab.loopback.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TCP_ZEROCOPY_RECEIVE over lo: the kernel's own account of mapped against copied bytes, every byte checked. */
class ZeroCopyReceiveTest {
    @Test
    void everyByteArrivesMappedOrCopiedAndTheKernelSaysWhich() {
        long bytes = 4L << 20;
        ZeroCopyReceive.Result r = ZeroCopyReceive.run(bytes, 64 * 1024);
        assertNull(r.refused(), "Linux 6.x takes TCP_ZEROCOPY_RECEIVE on a TCP socket: " + r.describe());
        assertEquals(bytes, r.mapped() + r.copied(), r.describe());
        assertEquals(bytes, r.bytes());
        assertTrue(r.zerocopyCalls() > 0, r.describe());
        assertTrue(r.describe().contains("of " + bytes + " B"), r.describe());
    }

    @Test
    void aBadSizeIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ZeroCopyReceive.run(0, 4096));
        assertTrue(e.getMessage().contains("bytes 0"), e.getMessage());
    }
}

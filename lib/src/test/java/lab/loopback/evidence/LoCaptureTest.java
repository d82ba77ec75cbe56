package lab.loopback.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.sys.PacketSocket;
import lab.loopback.tls.JdkStreams;
import lab.loopback.tls.ThrowawayKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A capture on lo sees a clear-text marker, does not see it inside TLS, and parses lengths and checksums right. */
class LoCaptureTest {
    @Test
    void aRootCaptureReadsClearTextButNotTls() {
        Assumptions.assumeTrue(LoCapture.unavailable() == null, String.valueOf(LoCapture.unavailable()));
        byte[] marker = ("loopback-lab-marker-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[4096];
        System.arraycopy(marker, 0, message, 100, marker.length);
        AtomicInteger port = new AtomicInteger();
        LoCapture.Capture clear = capture(marker, () -> JdkStreams.sendOnce(null, message, port::set), port);
        assertTrue(
                clear.markerSeen(),
                "the marker crossed lo in clear: " + clear.segments().size() + " frames kept");
        ThrowawayKey key = ThrowawayKey.generate();
        LoCapture.Capture tls = capture(marker, () -> JdkStreams.sendOnce(key, message, port::set), port);
        assertFalse(tls.incomingWithPayload().isEmpty(), "TLS records were captured");
        assertFalse(tls.markerSeen(), "the marker must not be readable inside TLS");
        assertTrue(
                clear.segments().stream().allMatch(LoCapture.Segment::ipChecksumValid),
                "IPv4 header checksums are always computed");
    }

    /** The port is learned once the server is up; only that connection's frames are kept, whatever else crosses lo. */
    private static LoCapture.Capture capture(byte[] marker, Runnable action, AtomicInteger port) {
        LoCapture.Capture c = LoCapture.duringPort(() -> PacketSocket.open("lo"), port::get, marker, action);
        int p = port.get();
        assertTrue(
                c.segments().stream().allMatch(s -> s.srcPort() == p || s.dstPort() == p),
                "only the connection's frames kept");
        return c;
    }

    @Test
    void aHandMadeFrameParses() {
        // Ethernet (14, type 0x0800) + IPv4 (20) + UDP (8) + 4 bytes "abcd", checksums filled in below
        byte[] f = new byte[14 + 20 + 8 + 4];
        f[12] = 0x08;
        f[14] = 0x45;
        f[14 + 3] = (byte) 32; // total length 32
        f[14 + 8] = 64;
        f[14 + 9] = 17;
        f[14 + 12] = 127;
        f[14 + 15] = 1;
        f[14 + 16] = 127;
        f[14 + 19] = 1;
        f[34] = 0x13;
        f[35] = (byte) 0x88; // 5000
        f[36] = 0x13;
        f[37] = (byte) 0x89; // 5001
        f[39] = 12;
        System.arraycopy("abcd".getBytes(StandardCharsets.US_ASCII), 0, f, 42, 4);
        MemorySegment s = MemorySegment.ofArray(f);
        int ipSum = ~LoCapture.fold(LoCapture.sum(s, 14, 20, 0)) & 0xffff;
        f[24] = (byte) (ipSum >> 8);
        f[25] = (byte) ipSum;
        int udpSum = ~LoCapture.fold(LoCapture.sum(s, 34, 12, LoCapture.sum(s, 26, 8, 0) + 17 + 12)) & 0xffff;
        f[40] = (byte) (udpSum >> 8);
        f[41] = (byte) udpSum;
        LoCapture.Segment seg = LoCapture.parse(s, false, "bcd".getBytes(StandardCharsets.US_ASCII));
        assertNotNull(seg);
        assertEquals(5000, seg.srcPort());
        assertEquals(5001, seg.dstPort());
        assertEquals(4, seg.payloadLength());
        assertTrue(seg.ipChecksumValid() && seg.l4ChecksumValid() && seg.markerFound());
        assertTrue(LoCapture.hasPort(s, 5000) && LoCapture.hasPort(s, 5001));
        assertFalse(LoCapture.hasPort(s, 5002), "another port's frame is not parsed at all");
        f[43] ^= 1; // one flipped payload bit breaks the UDP checksum only
        LoCapture.Segment bad = LoCapture.parse(s, false, null);
        assertTrue(bad.ipChecksumValid());
        assertFalse(bad.l4ChecksumValid());
        f[12] = (byte) 0x86; // not IPv4
        assertNull(LoCapture.parse(s, false, null));
    }
}

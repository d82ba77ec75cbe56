package lab.loopback.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The same stream and ping-pong in clear and in TLS 1.3; every byte verified, the protocol really negotiated. */
class JdkStreamsTest {
    @Test
    void clearAndTlsMoveTheSameVerifiedBytes() {
        ThrowawayKey key = ThrowawayKey.generate();
        var clear = JdkStreams.stream(null, 16 * 1024, 4 << 20, 10);
        var tls = JdkStreams.stream(key, 16 * 1024, 4 << 20, 10);
        assertEquals(4 << 20, clear.bytes());
        assertEquals(4 << 20, tls.bytes());
        assertEquals("none", clear.protocol());
        assertEquals("TLSv1.3", tls.protocol());
        assertTrue(tls.cipherSuite().startsWith("TLS_"), tls.cipherSuite());
        var pp = JdkStreams.pingPong(key, 64, 10, 50, 10);
        assertEquals(50, pp.roundTrips());
        assertTrue(pp.p50Micros() > 0 && pp.p50Micros() <= pp.maxMicros());
        assertEquals(50, JdkStreams.pingPong(null, 64, 10, 50, 10).roundTrips());
    }

    @Test
    void badSizesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> JdkStreams.stream(null, 0, 1, 1));
        assertTrue(e.getMessage().contains("write size 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JdkStreams.pingPong(null, 64, 0, 0, 1));
    }
}

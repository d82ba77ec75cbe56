package lab.loopback.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lab.loopback.measure.KnownPattern;
import lab.loopback.measure.Placement;
import lab.loopback.sys.CpuAffinity;
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
        assertEquals("scheduler", pp.placement());
    }

    @Test
    void aPlacedPingPongSaysWhereItRanAndGivesTheCpusBack() {
        List<Integer> mine = CpuAffinity.of(0);
        for (Placement pl : Placement.arrangeable(mine)) {
            int[] at = pl.cpus(mine);
            List<List<Integer>> echoRanOn = new ArrayList<>();
            var pp = JdkStreams.pingPong(null, 64, 10, 50, 10, pl, (server, size) -> {
                try (Socket c = server.accept()) {
                    echoRanOn.add(CpuAffinity.of(0)); // the client is connected, so both are placed by now
                    byte[] m = new byte[size];
                    while (c.getInputStream().readNBytes(m, 0, size) == size)
                        c.getOutputStream().write(m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertEquals(pl.id(), pp.placement());
            assertEquals(50, pp.roundTrips());
            assertEquals(List.of(List.of(at[1])), echoRanOn, "the echoing thread ran where " + pl + " puts it");
            assertEquals(mine, CpuAffinity.of(0), "the client thread's CPU set is restored after " + pl);
        }
    }

    /** An echo server that returns each message with one byte flipped: the client must refuse the round trip. */
    private static void corruptingEcho(ServerSocket server, int size) {
        try (Socket c = server.accept()) {
            byte[] m = new byte[size];
            while (c.getInputStream().readNBytes(m, 0, size) == size) {
                m[size / 2] ^= 0x5a;
                c.getOutputStream().write(m);
                c.getOutputStream().flush();
            }
        } catch (IOException e) {
            // the client gave up on the altered reply and closed
        }
    }

    @Test
    void aRoundTripThatComesBackAlteredIsRefusedInClearAndInTls() {
        for (ThrowawayKey key : new ThrowawayKey[] {null, ThrowawayKey.generate()}) {
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> JdkStreams.pingPong(key, 64, 0, 5, 10, Placement.SCHEDULER, JdkStreamsTest::corruptingEcho));
            assertTrue(e.getMessage().contains("round trip 0 came back altered"), e.getMessage());
        }
    }

    @Test
    void theStreamReceiverNamesTheFirstWrongByte() throws Exception {
        try (Arena a = Arena.ofConfined();
                ServerSocket server = JdkStreams.listen(null)) {
            byte[] wire = JdkStreams.periodic(new KnownPattern(a, 4096), 4096);
            wire[1000] ^= 1;
            var sent = CompletableFuture.runAsync(() -> {
                try (Socket s = JdkStreams.connect(null, server.getLocalPort())) {
                    s.getOutputStream().write(wire, 0, 4096);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long[] r = JdkStreams.receive(server, 4096);
            sent.get(30, TimeUnit.SECONDS);
            assertEquals(4096, r[0], "every byte arrived");
            assertEquals(1000, r[1], "and the receiver names the altered one");
        }
    }

    @Test
    void badSizesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> JdkStreams.stream(null, 0, 1, 1));
        assertTrue(e.getMessage().contains("write size 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JdkStreams.pingPong(null, 64, 0, 0, 1));
    }
}

package lab.loopback.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.loopback.measure.ChildJvm;
import lab.loopback.uring.IoUringSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Both echo servers run in their own JVMs and return every byte; the clients verify each round trip. */
class EchoClientsTest {
    @Test
    void uringEchoReturnsVerifiedPayloads() {
        var a = IoUringSupport.check();
        Assumptions.assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
        try (ChildJvm server = EchoClients.startServer("uring", 120)) {
            int port = EchoClients.port(server);
            for (int size : new int[] {64, 65536, 1 << 20}) {
                EchoStats s = EchoClients.uring(port, size, 5, 40, 30);
                assertEquals(40, s.roundTrips(), "size " + size);
                assertTrue(s.p50Micros() > 0 && s.p50Micros() <= s.p99Micros() && s.p99Micros() <= s.maxMicros());
                assertEquals(40, s.syscallsByClient(), "one io_uring_enter per round trip at " + size + " B");
            }
        }
    }

    @Test
    void grpcEchoReturnsVerifiedPayloads() {
        try (ChildJvm server = EchoClients.startServer("grpc", 120)) {
            int port = EchoClients.port(server);
            for (int size : new int[] {64, 1 << 20}) {
                EchoStats s = EchoClients.grpc(port, size, 5, 40, 30);
                assertEquals(40, s.roundTrips(), "size " + size);
                assertTrue(s.p50Micros() > 0);
            }
        }
    }

    @Test
    void absurdSizesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> EchoClients.grpc(1, 0, 0, 1, 1));
        assertTrue(e.getMessage().contains("echo size 0 B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EchoClients.uring(1, 64 << 20, 0, 1, 1));
        assertTrue(e.getMessage().contains("67108864"), e.getMessage());
    }
}

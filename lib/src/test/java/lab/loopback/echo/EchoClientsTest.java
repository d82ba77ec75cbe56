package lab.loopback.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.ChildJvm;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.SockAddrIn;
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

    /** Every thread of {@code pid} may run on exactly {@code cpus} (Cpus_allowed_list of each task). */
    private static void assertAllThreadsOn(long pid, String cpus) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            List<Path> all = tasks.toList();
            assertTrue(all.size() > 1, "a JVM has more than one thread");
            for (Path t : all) {
                String allowed = Files.readAllLines(t.resolve("status")).stream()
                        .filter(l -> l.startsWith("Cpus_allowed_list:"))
                        .findFirst()
                        .orElseThrow()
                        .substring("Cpus_allowed_list:".length())
                        .trim();
                assertEquals(cpus, allowed, "thread " + t.getFileName() + " of " + pid);
            }
        }
    }

    @Test
    void aClientInItsOwnJvmRunsWhereItWasPlaced() throws IOException {
        int cpu = CpuAffinity.of(0).getLast();
        try (ChildJvm server = EchoClients.startServer("grpc", 120, CpuAffinity.taskset(cpu));
                ChildJvm client =
                        EchoClients.startClient("grpc", EchoClients.port(server), 120, CpuAffinity.taskset(cpu))) {
            EchoStats s = EchoClients.measure(client, new EchoClientMain.Request(4096, 5, 40, 30), 30);
            assertEquals("gRPC", s.transport());
            assertEquals(4096, s.size());
            assertEquals(40, s.roundTrips());
            // gRPC's event loop threads too: the whole client and the whole server on that CPU
            assertAllThreadsOn(client.pid(), Integer.toString(cpu));
            assertAllThreadsOn(server.pid(), Integer.toString(cpu));
            // and moved, running, to another: every thread of the process
            int other = CpuAffinity.of(0).getFirst();
            CpuAffinity.setProcess(client.pid(), List.of(other));
            assertAllThreadsOn(client.pid(), Integer.toString(other));
            assertEquals(
                    40,
                    EchoClients.measure(client, new EchoClientMain.Request(64, 5, 40, 30), 30)
                            .roundTrips());
        }
    }

    @Test
    void aClientInItsOwnJvmRefusesAnAlteredEcho() throws IOException {
        var a = IoUringSupport.check();
        Assumptions.assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
        try (ServerSocket server = corruptingEcho(256);
                ChildJvm client = EchoClients.startClient("uring", server.getLocalPort(), 120, List.of())) {
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> EchoClients.measure(client, new EchoClientMain.Request(256, 0, 5, 10), 10));
            assertTrue(e.getMessage().contains("came back altered"), e.getMessage());
        }
    }

    /**
     * A server on 127.0.0.1 that returns each {@code size}-byte message with one byte flipped, for as long as the
     * client sends; the port, once listening.
     */
    private static ServerSocket corruptingEcho(int size) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (server;
                    Socket c = server.accept()) {
                byte[] m = new byte[size];
                while (c.getInputStream().readNBytes(m, 0, size) == size) {
                    m[size - 1] ^= 0x01;
                    c.getOutputStream().write(m);
                }
            } catch (IOException e) {
                // the client refused the altered reply and closed
            }
        });
        return server;
    }

    @Test
    void aBlockingClientRefusesAnAlteredEcho() throws IOException {
        try (ServerSocket server = corruptingEcho(256);
                TcpSocket c = TcpSocket.connect(SockAddrIn.loopback(server.getLocalPort()))) {
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> EchoClients.stream("tcp", c, 256, EchoClients.Framing.HEADER_THEN_BODY, 0, 5, 10));
            assertTrue(e.getMessage().contains("payload 0 came back altered"), e.getMessage());
        }
    }

    @Test
    void theIoUringClientRefusesAnAlteredEcho() throws IOException {
        var a = IoUringSupport.check();
        Assumptions.assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
        try (ServerSocket server = corruptingEcho(256)) {
            var e = assertThrows(
                    IllegalStateException.class, () -> EchoClients.uring(server.getLocalPort(), 256, 0, 5, 10));
            assertTrue(e.getMessage().contains("io_uring echo: payload 0 came back altered"), e.getMessage());
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

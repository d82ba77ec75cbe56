package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TraceRecorderTest {
    private static Tracefs tracefs;

    @BeforeAll
    static void locate() {
        tracefs = Tracefs.locate(true);
    }

    @AfterAll
    static void release() {
        tracefs.release();
    }

    @Test
    void parsesTraceLines() {
        TraceEvent e = TraceEvent.parse(
                "            java-40211   [001] b..1.  5123.456789: net_dev_xmit: dev=lo skbaddr=000000005c2d8f1e len=66 rc=0");
        assertEquals("java", e.task());
        assertEquals(40211, e.pid());
        assertEquals(1, e.cpu());
        assertEquals("net_dev_xmit", e.event());
        assertEquals("lo", e.field("dev"));
        assertEquals("66", e.field("len"));
        assertEquals(5_123_456_789_000L, e.nanos());
        TraceEvent dashed = TraceEvent.parse(
                " C2 CompilerThre-123 [000] ..s2. 10.000001: netif_receive_skb: dev=lo skbaddr=0000 len=52");
        assertEquals("C2 CompilerThre", dashed.task());
        TraceEvent fib = TraceEvent.parse(
                "  java-7  [000] ..... 1.5: fib_table_lookup: table 255 oif 0 iif 1 proto 6 127.0.0.1/1 -> 127.0.0.1/2 tos 0 scope 0 flags 0 ==> dev lo gw 0.0.0.0/:: err 0");
        assertEquals("fib_table_lookup", fib.event());
        assertTrue(fib.details().contains("==> dev lo"));
        assertNull(TraceEvent.parse("# tracer: nop"));
        assertNull(TraceEvent.parse(""));
    }

    @Test
    void recordsTheEventsOfATransferItCausedAndLeavesNothingBehind() {
        assumeTrue(tracefs.available(), () -> "tracefs: " + tracefs.unavailable());
        Path instance;
        TraceRecorder.Recording rec;
        try (TraceRecorder r = TraceRecorder.open(
                tracefs,
                List.of(
                        "net/net_dev_xmit",
                        "net/netif_receive_skb",
                        "skb/skb_copy_datagram_iovec",
                        "sock/sk_data_ready"),
                8192)) {
            instance = r.instance();
            assertTrue(Files.isDirectory(instance));
            r.onlyProcesses(List.of(ProcessHandle.current().pid()));
            rec = r.record(() -> transfer(1 << 20));
        }
        assertFalse(Files.exists(instance), "the private instance is removed");
        assertEquals(0, rec.lost());
        assertTrue(
                rec.of("net_dev_xmit").stream().anyMatch(e -> e.field("dev").equals("lo")),
                "segments leave through lo");
        assertTrue(
                rec.of("netif_receive_skb").stream()
                        .anyMatch(e -> e.field("dev").equals("lo")),
                "and come back in through lo");
        long copied = rec.of("skb_copy_datagram_iovec").stream()
                .mapToLong(e -> Long.parseLong(e.field("len")))
                .sum();
        assertTrue(copied >= 1 << 20, "the receiver copied every byte to user space: " + copied);
        assertTrue(rec.count("sk_data_ready") > 0);
        for (TraceEvent e : rec.events()) {
            assertTrue(
                    e.nanos() >= rec.startNanos() - 1_000_000 && e.nanos() <= rec.endNanos() + 1_000_000,
                    "event times are on System.nanoTime's clock");
        }
    }

    @Test
    void unknownEventsAreNamedAndStaleInstancesRemoved() throws IOException {
        assumeTrue(tracefs.available(), () -> "tracefs: " + tracefs.unavailable());
        var e = assertThrows(
                IllegalArgumentException.class, () -> TraceRecorder.open(tracefs, List.of("net/no_such_event"), 64));
        assertTrue(e.getMessage().contains("net/no_such_event"));
        Path stale = tracefs.root().resolve("instances").resolve(TraceRecorder.PREFIX + "999999999-1");
        Files.createDirectory(stale);
        TraceRecorder.removeStale(tracefs.root().resolve("instances"));
        assertFalse(Files.exists(stale));
    }

    static void transfer(int bytes) {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                Arena a = Arena.ofConfined()) {
            Thread reader = Thread.ofPlatform().start(() -> {
                MemorySegment in = Arena.ofAuto().allocate(65536);
                while (s.read(in, 65536) > 0) {
                    /* drain */
                }
            });
            MemorySegment buf = a.allocate(65536);
            for (int sent = 0; sent < bytes; sent += 65536) c.writeFully(buf, 65536);
            c.shutdownOutput();
            reader.join(30_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

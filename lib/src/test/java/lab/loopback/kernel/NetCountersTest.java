package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.Test;

class NetCountersTest {
    private static Path sample() throws URISyntaxException {
        return Path.of(NetCountersTest.class.getResource("/proc-sample").toURI());
    }

    @Test
    void parsesARecordedProcNet() throws URISyntaxException {
        NetCounters c = NetCounters.read(sample());
        assertEquals(3283300678065L, c.get("dev.lo.rx_bytes"));
        assertEquals(108746705L, c.get("dev.lo.tx_packets"));
        assertEquals(64, c.get("Ip.DefaultTTL"));
        assertTrue(c.has("Tcp.OutSegs"));
        assertTrue(c.has("TcpExt.TCPOrigDataSent"));
        assertThrows(IllegalArgumentException.class, () -> c.get("dev.eth9.rx_bytes"));
    }

    @Test
    void mibLinesThatDoNotPairAreAnError() {
        assertThrows(IllegalArgumentException.class, () -> NetCounters.parseMib("Tcp: A B\nUdp: 1 2\n"));
    }

    @Test
    void aLoopbackTransferMovesLoAndTcpCountersByAtLeastItsBytes() {
        long bytes = 4L << 20;
        NetCounters before = NetCounters.read();
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(65536);
            Thread reader = Thread.ofPlatform().start(() -> {
                MemorySegment in = Arena.ofAuto().allocate(65536);
                while (s.read(in, 65536) > 0) {
                    /* drain */
                }
            });
            for (long sent = 0; sent < bytes; sent += 65536) c.writeFully(buf, 65536);
            c.shutdownOutput();
            reader.join(30_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Map<String, Long> d = NetCounters.read().minus(before);
        // lo carries every segment of both directions once as tx and once as rx; other traffic only adds
        assertTrue(d.getOrDefault("dev.lo.tx_bytes", 0L) >= bytes, d.toString());
        assertTrue(d.getOrDefault("dev.lo.rx_bytes", 0L) >= bytes, d.toString());
        long segments = d.getOrDefault("Tcp.OutSegs", 0L);
        assertTrue(segments >= bytes / 65536, "at most 64 KiB per segment on lo: " + segments);
    }

    @Test
    void softnetStatIsSummedOverCpusFromHex() {
        var v = NetCounters.parseSoftnet("0000000a 00000001 00000002 00000000\n000000ff 00000000 00000010 00000000\n");
        assertEquals(10L + 255, v.get("softnet.processed"));
        assertEquals(1L, v.get("softnet.dropped"));
        assertEquals(2L + 16, v.get("softnet.time_squeeze"));
        assertTrue(NetCounters.read().has("softnet.processed"), "this host has /proc/net/softnet_stat");
    }
}

package lab.loopback.ipc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.Test;

class TcpSocketTest {
    @Test
    void movesBytesBetweenALoopbackPair() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                Arena a = Arena.ofConfined()) {
            byte[] msg = "hello over lo".getBytes(StandardCharsets.US_ASCII);
            MemorySegment out = a.allocate(msg.length);
            out.copyFrom(MemorySegment.ofArray(msg));
            c.writeFully(out, msg.length);
            c.shutdownOutput();
            MemorySegment in = a.allocate(64);
            long total = 0, n;
            while ((n = s.read(in.asSlice(total), 64 - total)) > 0) total += n;
            assertArrayEquals(msg, in.asSlice(0, total).toArray(JAVA_BYTE));
            assertEquals(c.localAddress(), s.peerAddress());
            assertTrue(s.localAddress().isLoopback());
        }
    }

    @Test
    void aBusyPortIsEaddrinuse() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1)) {
            int port = l.localAddress().port();
            ErrnoException e = assertThrows(ErrnoException.class, () -> TcpSocket.listen(SockAddrIn.loopback(port), 1));
            assertEquals("EADDRINUSE", e.errnoName());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void transportRefusesNonLoopbackTargets() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Transports.byId("tcp-lo").connect("10.0.0.1:80"));
        assertTrue(e.getMessage().contains("10.0.0.1:80"));
        assertThrows(IllegalArgumentException.class, () -> Transports.byId("carrier-pigeon"));
        assertThrows(
                IllegalArgumentException.class, () -> Transports.byId("tcp-lo").listen("99999"));
    }
}

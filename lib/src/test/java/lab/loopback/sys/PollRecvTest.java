package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.ipc.TcpSocket;
import org.junit.jupiter.api.Test;

class PollRecvTest {
    @Test
    void pollSeesAPendingConnectionAndDataAndRecvCanPeek() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(PollFd.LAYOUT);
            PollFd.set(fds, 0, l.fd(), Net.POLLIN);
            assertEquals(0, Libc.poll(fds, 1, 0), "nothing to accept yet");
            try (TcpSocket c = TcpSocket.connect(l.localAddress())) {
                assertEquals(1, Libc.poll(fds, 1, 5_000));
                assertTrue((PollFd.revents(fds, 0) & Net.POLLIN) != 0);
                try (TcpSocket s = l.accept()) {
                    MemorySegment b = a.allocate(4);
                    b.set(JAVA_BYTE, 0, (byte) 42);
                    assertEquals(1, Libc.send(c.fd(), b, 1, Net.MSG_NOSIGNAL));
                    PollFd.set(fds, 0, s.fd(), Net.POLLIN);
                    assertEquals(1, Libc.poll(fds, 1, 5_000));
                    MemorySegment in = a.allocate(4);
                    assertEquals(1, Libc.recv(s.fd(), in, 4, Net.MSG_PEEK));
                    assertEquals(1, Libc.recv(s.fd(), in, 4, 0), "peeked data is still there");
                    assertEquals(42, in.get(JAVA_BYTE, 0));
                    assertEquals(-Errno.EAGAIN, Libc.sysRecv(s.fd(), in, 4, Net.MSG_DONTWAIT));
                }
            }
        }
    }

    @Test
    void socketOptionsRoundTrip() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress())) {
            c.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
            assertEquals(1, c.getInt(Net.IPPROTO_TCP, Net.TCP_NODELAY));
            assertTrue(c.getInt(Net.IPPROTO_TCP, Net.TCP_MAXSEG) > 0);
            assertEquals(Net.SOCK_STREAM, c.getInt(Net.SOL_SOCKET, Net.SO_TYPE));
        }
    }

    @Test
    void openThroughTheVariadicBinding() {
        int fd = Libc.open("/dev/null", Net.O_WRONLY | Net.O_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            assertEquals(3, Libc.write(fd, a.allocate(3), 3));
        } finally {
            Libc.close(fd);
        }
        ErrnoException e = org.junit.jupiter.api.Assertions.assertThrows(
                ErrnoException.class, () -> Libc.open("/nonexistent/x", Net.O_RDONLY, 0));
        assertEquals("ENOENT", e.errnoName());
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.loopback.ipc.NonBlocking;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.Libc;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.Test;

/** Every knob of sections 11-12 is set on a real socket and read back from the kernel. */
class SocketOptionsTest {
    @Test
    void eachOptionAndAlgorithmReadsBackAsSet() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket a = l.accept()) {
            for (SocketOptions o : SocketOptions.values()) {
                String back = o.apply(c);
                assertEquals(o == SocketOptions.DEFAULTS ? "-" : Integer.toString(o.value), back, o.label);
            }
            for (String cc : FastPathConditions.usable(Libc.geteuid() == 0))
                assertEquals(cc, CongestionModules.set(c, cc));
            assertFalse(NonBlocking.isNonBlocking(a.fd()));
            NonBlocking nb = new NonBlocking(a, false);
            assertTrue(NonBlocking.isNonBlocking(a.fd()));
            assertEquals(0, nb.wouldBlock());
            assertTrue(c.tcpInfo().sndCwnd() > 0, "TCP_INFO reports a congestion window");
        }
    }
}

package lab.loopback.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.PeerCred;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.ThreadCredentials;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Another uid against a TCP loopback listener and two AF_UNIX sockets; what SO_PEERCRED says about each peer. */
class AccessCheckTest {
    @Test
    void anotherUidReachesTcpButNotAUnixSocketBehindA0700Directory() {
        Assumptions.assumeTrue(AccessCheck.unavailable() == null, String.valueOf(AccessCheck.unavailable()));
        AccessCheck.Result r = AccessCheck.run(AccessCheck.NOBODY, AccessCheck.NOBODY);
        assertTrue(r.proberCredentials().startsWith("Uid: 65534 65534 65534 65534"), r.proberCredentials());
        var tcp = r.of("TCP 127.0.0.1");
        assertTrue(tcp.connected() && tcp.accepted(), tcp.toString());
        assertFalse(tcp.peerKnown(), "TCP carries no peer identity: " + tcp);
        var closed = r.of("AF_UNIX in a 0700 directory");
        assertFalse(closed.connected(), closed.toString());
        assertEquals("EACCES", closed.error());
        assertFalse(closed.accepted());
        var open = r.of("AF_UNIX in a 0755 directory, socket 0777");
        assertTrue(open.connected() && open.accepted(), open.toString());
        assertEquals(AccessCheck.NOBODY, open.peerUid(), "SO_PEERCRED names the connecting uid");
        assertTrue(open.peerPid() > 0);
    }

    @Test
    void aTcpPeerHasNoCredentialsAndTheThreadDropIsRefusedForRoot() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket _ = TcpSocket.connect(l.localAddress());
                TcpSocket a = l.accept()) {
            PeerCred p = PeerCred.of(a.fd());
            assertFalse(p.known(), p.toString());
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ThreadCredentials.dropThreadTo(0, 0));
        assertTrue(e.getMessage().contains("unprivileged"), e.getMessage());
    }
}

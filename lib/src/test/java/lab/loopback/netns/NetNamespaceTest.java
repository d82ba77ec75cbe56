package lab.loopback.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.ipc.TcpNetns;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Command;
import lab.loopback.sys.Namespaces;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Namespaces, veth and nftables are built, used and removed; nothing of them or their processes stays behind. */
class NetNamespaceTest {
    private String hostRules;

    @BeforeEach
    void needsRoot() {
        Assumptions.assumeTrue(NetNamespace.unavailable() == null, String.valueOf(NetNamespace.unavailable()));
        hostRules = Command.which("nft") == null
                ? ""
                : Command.run(30_000, "nft", "list", "ruleset").stdout();
    }

    @AfterEach
    void nothingLeft() {
        if (NetNamespace.unavailable() != null) return;
        assertEquals(
                List.of(),
                NetNamespace.ours().stream()
                        .filter(n -> n.startsWith(
                                NetNamespace.PREFIX + ProcessHandle.current().pid() + "-"))
                        .toList());
        assertEquals(
                0,
                ProcessHandle.current()
                        .children()
                        .filter(ProcessHandle::isAlive)
                        .count(),
                "a child process outlived its namespace");
        assertFalse(
                Command.run(10_000, "ip", "-o", "link", "show").stdout().contains("veth1"),
                "a veth end appeared on the host");
        if (Command.which("nft") != null)
            assertEquals(
                    hostRules, Command.run(30_000, "nft", "list", "ruleset").stdout(), "the host's rule set changed");
    }

    @Test
    void aThreadInsideSeesTheNamespaceAndTheHostDoesNot() {
        long host = Namespaces.netInode("thread-self");
        try (NetNamespace ns = NetNamespace.create()) {
            assertTrue(ns.ip("-o", "link", "show", "lo").contains("UP"), "lo is up inside");
            long inside = ns.call(() -> Namespaces.netInode("thread-self"));
            assertNotEquals(host, inside);
            assertTrue(ns.call(NetNamespace::threadInsideOurs));
            assertFalse(NetNamespace.threadInsideOurs());
            assertEquals(host, Namespaces.netInode("thread-self"), "the calling thread stayed where it was");
            // a listener inside is not reachable from the host's 127.0.0.1
            try (TcpSocket l = ns.call(() -> TcpSocket.listen(SockAddrIn.loopback(0), 1))) {
                int port = l.localAddress().port();
                assertThrows(
                        RuntimeException.class,
                        () -> TcpSocket.connect(SockAddrIn.loopback(port)).close());
                ns.call(() -> {
                    TcpSocket.connect(SockAddrIn.loopback(port)).close();
                    return null;
                });
            }
        }
        assertFalse(NetNamespace.ours()
                .contains(NetNamespace.PREFIX + ProcessHandle.current().pid() + "-1"));
    }

    @Test
    void aVerifiedStreamCrossesTheVethPair() {
        try (Veth v = Veth.create();
                StreamRunner r =
                        StreamRunner.start(new TcpNetns(v.a()), Veth.ADDRESS_B + ":0", 120, v.b().execPrefix())) {
            assertTrue(r.address().startsWith(Veth.ADDRESS_B + ":"), r.address());
            assertTrue(v.mtu() > 0);
            long rxBefore = rxBytes(v.b(), "veth1");
            StreamTrial t = StreamRunner.verified(r.trial(64 * 1024, 5, 8 << 20, "test", 0));
            assertEquals(8 << 20, t.bytesReceived());
            r.nonBlockingReader(true);
            assertEquals(
                    1 << 20,
                    StreamRunner.verified(r.trial(4096, 5, 1 << 20, "test", 1)).bytesReceived());
            // the traffic went over veth1: its receive counter moved by at least the payload (headers come on top)
            long moved = rxBytes(v.b(), "veth1") - rxBefore;
            assertTrue(moved >= (8 << 20) + (1 << 20), "veth1 received " + moved + " bytes for 9 MiB of payload");
        }
    }

    /** The device's receive byte counter, as `ip -j -s link` reports it inside the namespace. */
    private static long rxBytes(NetNamespace ns, String device) {
        Matcher m = Pattern.compile("\"rx\":\\{\"bytes\":(\\d+)").matcher(ns.ip("-j", "-s", "link", "show", device));
        assertTrue(m.find(), "no rx bytes for " + device);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theListenerRefusesAHostAddressOutsideANamespace() {
        var e = assertThrows(IllegalStateException.class, () -> new TcpNetns().listen("10.203.0.2:0"));
        assertTrue(e.getMessage().contains("not inside a workbench network namespace"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TcpNetns.parse("10.203.0:80"));
        assertThrows(IllegalArgumentException.class, () -> TcpNetns.parse("10.203.0.300:80"));
    }

    @Test
    void rulesAreInstalledCountedAndRemovedInsideOnly() {
        Assumptions.assumeTrue(Nft.unavailable() == null, String.valueOf(Nft.unavailable()));
        try (NetNamespace ns = NetNamespace.create()) {
            Nft.apply(ns, Nft.loRules(100));
            String listing = Nft.list(ns);
            assertEquals(
                    101,
                    Nft.ruleCount(listing),
                    listing.lines().limit(8).toList().toString());
            // traffic on lo inside traverses the chain: the final counter moves
            ns.call(() -> {
                try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                        TcpSocket _ = TcpSocket.connect(l.localAddress());
                        TcpSocket a = l.accept()) {
                    return a.fd();
                }
            });
            assertTrue(Nft.lastCounterPackets(Nft.list(ns)) > 0);
            Nft.deleteTable(ns, "inet", Nft.FILTER_TABLE);
            assertEquals(0, Nft.ruleCount(Nft.list(ns)));
            var bad = assertThrows(
                    IllegalStateException.class, () -> Nft.apply(ns, "table inet x { chain y { nonsense; } }"));
            assertTrue(bad.getMessage().contains("nft -f"), bad.getMessage());
            assertEquals(0, Nft.ruleCount(Nft.list(ns)), "a rejected rule set leaves nothing behind");
        }
        assertThrows(IllegalArgumentException.class, () -> Nft.loRules(-1));
    }

    @Test
    void leftoversOfADeadRunAreSwept() throws Exception {
        // a namespace named for a process that no longer exists
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        String name = NetNamespace.PREFIX + p.pid() + "-1";
        NetNamespace.iproute("netns", "add", name);
        assertTrue(NetNamespace.ours().contains(name));
        List<String> swept = NetNamespace.sweepLeftovers();
        assertTrue(swept.contains(name), swept.toString());
        assertFalse(NetNamespace.ours().contains(name));
    }
}

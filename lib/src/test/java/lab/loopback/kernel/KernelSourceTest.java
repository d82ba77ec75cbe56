package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSourceTest {
    @Test
    void readsVersionFilesAndPatternHits(@TempDir Path tree) throws IOException {
        Files.writeString(
                tree.resolve("Makefile"), "# SPDX\nVERSION = 6\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n");
        Files.createDirectories(tree.resolve("net/ipv4"));
        Files.createDirectories(tree.resolve("drivers/net"));
        Files.writeString(
                tree.resolve("drivers/net/loopback.c"),
                "static netdev_tx_t loopback_xmit(struct sk_buff *skb, struct net_device *dev)\n");
        Files.writeString(tree.resolve("net/ipv4/tcp_output.c"), "int a;\nif (dev->flags & IFF_LOOPBACK)\n");
        Files.writeString(tree.resolve("net/ipv4/route.c"), "if (dev_out->flags & IFF_LOOPBACK)\n");
        KernelSource s = KernelSource.at(tree);
        assertEquals("6.18.0", s.version());
        assertTrue(s.exists("drivers/net/loopback.c"));
        assertFalse(s.exists("net/ipv4/tcp_loopback.c"));
        var hits = s.grep("net/ipv4", "tcp*.c", "IFF_LOOPBACK");
        assertEquals(1, hits.size(), "route.c is not a tcp*.c file");
        assertEquals(
                new KernelSource.Hit("net/ipv4/tcp_output.c", 2, "if (dev->flags & IFF_LOOPBACK)"), hits.getFirst());
    }

    @Test
    void aDirectoryThatIsNotAKernelTreeIsNamed(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> KernelSource.at(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("net/ipv4"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> KernelSource.at(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("not a directory"));
    }
}

package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.loopback.sys.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackFactsTest {
    @Test
    void parsesEthtoolFeatures() {
        Map<String, String> f = LoopbackFacts.parseFeatures("""
                Features for lo:
                rx-checksumming: on [fixed]
                tx-checksumming: on
                \ttx-checksum-ipv4: off [fixed]
                tcp-segmentation-offload: on
                """);
        assertEquals("on [fixed]", f.get("rx-checksumming"));
        assertEquals("off [fixed]", f.get("tx-checksum-ipv4"));
        assertEquals(4, f.size());
    }

    @Test
    void theLiveLoopbackPath() {
        LoopbackFacts f = LoopbackFacts.probe();
        assertTrue(f.mss() > 0 && f.mss() < 65536, "MSS of a real loopback connection: " + f.mss());
        if (f.loMtu() != null) assertTrue(f.mss() < f.loMtu(), "MSS fits in lo's MTU");
        if (Command.which("ip") != null) {
            assertEquals("local", f.routeType(), f.route());
            assertEquals("lo", f.routeDevice(), f.route());
        } else {
            assertNull(f.route());
            assertTrue(f.notes().containsKey("route"));
        }
    }

    @Test
    void kernelSymbolsFromARecordedTable(@TempDir Path tmp) throws IOException {
        Path k = Files.writeString(tmp.resolve("kallsyms"), """
                ffffffff81daedf0 t loopback_xmit
                ffffffff82010db0 T tcp_sendmsg
                0000000000000000 t nft_do_chain\t[nf_tables]
                """);
        KernelSymbols s = new KernelSymbols(k);
        assertNull(s.unavailable());
        assertEquals(List.of(new KernelSymbols.Symbol('t', "loopback_xmit", "")), s.find("loopback_.*"));
        assertEquals("nf_tables", s.find("nft_do_chain").getFirst().module());
        assertTrue(s.find("tcp_loopback.*").isEmpty());
        assertTrue(new KernelSymbols(tmp.resolve("none")).unavailable().contains("not readable"));
    }

    @Test
    void theLiveKernelListsTcpSendmsg() {
        KernelSymbols s = KernelSymbols.live();
        org.junit.jupiter.api.Assumptions.assumeTrue(s.unavailable() == null, s::unavailable);
        assertTrue(!s.find("tcp_sendmsg").isEmpty(), "every TCP kernel has tcp_sendmsg");
    }
}

package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Iperf3Test {
    @Test
    void parsesTheReceiverSideOfTheJsonReport() {
        String json = """
                {"start":{"version":"iperf 3.12"},
                 "end":{"sum_sent":{"seconds":1.0001,"bytes":12026118144,"bits_per_second":96200000000.0},
                        "sum_received":{"seconds":1.0001,"bytes":12025908428,"bits_per_second":96199000000.5},
                        "cpu_utilization_percent":{"host_total":88.5,"remote_total":97.1}}}""";
        Iperf3.Result r = Iperf3.parse(json, 131072);
        assertEquals(96.199, r.gbitPerSecond(), 1e-3);
        assertEquals(12025908428L, r.bytesReceived());
        assertEquals("iperf 3.12", r.version());
        assertEquals(12026118144L, r.bytesSent());
        assertTrue(Double.isNaN(r.clientBlocksPerWrite()), "no switches counted by parse alone");
        // 91 751 writes of 128 KiB sent; 917 voluntary switches: 0.01 a write
        assertEquals(0.01, Iperf3.parse(json, 131072, 917).clientBlocksPerWrite(), 1e-4);
    }

    @Test
    void gnuTimesCountIsItsOneField(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("t");
        Files.writeString(f, "Command exited with non-zero status 1\n7\n");
        assertEquals(7, Iperf3.voluntarySwitches(f), "a failed command's status line comes first");
        Files.writeString(f, "0.41 0.52\n");
        assertEquals(-1, Iperf3.voluntarySwitches(f), "another format is not a count");
        assertEquals(-1, Iperf3.voluntarySwitches(tmp.resolve("absent")));
    }

    @Test
    void anErrorReportIsAnError() {
        var e = assertThrows(
                IllegalStateException.class, () -> Iperf3.parse("{\"error\":\"unable to connect to server\"}", 1));
        assertTrue(e.getMessage().contains("unable to connect"));
        assertThrows(IllegalStateException.class, () -> Iperf3.parse("not json", 1));
    }

    @Test
    void writeSizesIperf3WouldRefuseAreRefusedHere() {
        var e = assertThrows(IllegalArgumentException.class, () -> Iperf3.run(4 << 20, 1, 0, 5201));
        assertTrue(e.getMessage().contains("4194304"), e.getMessage());
    }

    @Test
    void runsAgainstItsOwnLoopbackServer() {
        assumeTrue(Iperf3.installed(), "iperf3 not installed");
        Iperf3.Result r = Iperf3.run(65536, 1, 0, Iperf3.freeLoopbackPort());
        assertTrue(r.bytesReceived() > 0);
        assertTrue(r.gbitPerSecond() > 0);
    }

    @Test
    void runsWithBothEndsPinnedToOneCpuWrittenAndSentFromAFile() {
        assumeTrue(Iperf3.installed(), "iperf3 not installed");
        int cpu = lab.loopback.sys.CpuAffinity.of(0).getFirst();
        Iperf3.Result r = Iperf3.run(65536, 1, 0, Iperf3.freeLoopbackPort(), cpu, cpu, false);
        assertTrue(r.bytesReceived() > 0);
        assertTrue(r.bytesSent() >= r.bytesReceived(), "what arrived was sent");
        if (Iperf3.countsClientSwitches())
            assertTrue(r.clientVoluntarySwitches() >= 0, "GNU time counted the client's switches");
        Iperf3.Result z = Iperf3.run(65536, 1, 0, Iperf3.freeLoopbackPort(), cpu, cpu, true);
        assertTrue(z.bytesReceived() > 0, "-Z (sendfile) moved bytes too");
    }
}

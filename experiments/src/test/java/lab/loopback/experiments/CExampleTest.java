package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.loopback.claim.Verdict;
import org.junit.jupiter.api.Test;

class CExampleTest {
    @Test
    void theArticlesSequenceMakesALocalPairAndDeliversTheBytes() {
        CExample.Exchange e = CExample.run();
        assertEquals(
                List.of("socket", "bind", "listen", "socket", "connect", "accept", "write", "read"),
                e.calls().stream().map(c -> c.call().replaceAll("\\(.*", "")).toList());
        assertEquals(11, e.calls().get(6).result(), "write() of sizeof(\"zero-copy!\")");
        assertEquals(11, e.calls().get(7).result());
        assertTrue(e.bytesIntact());
        assertTrue(e.bothEndsLoopback());
        assertEquals(Verdict.SUPPORTED, CExampleExperiment.judge(e));
    }

    @Test
    void aDamagedExchangeIsNotSupported() {
        CExample.Exchange good = CExample.run();
        var damaged = new CExample.Exchange(
                good.calls(), good.sent(), new byte[] {'z'}, good.clientLocal(), good.serverPeer(), good.serverLocal());
        assertEquals(Verdict.REFUTED, CExampleExperiment.judge(damaged));
    }
}

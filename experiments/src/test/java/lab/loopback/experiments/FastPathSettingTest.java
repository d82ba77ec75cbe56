package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.loopback.evidence.TracedStream;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.TcpInfo;
import org.junit.jupiter.api.Test;

/**
 * FAST-3 compares each condition's path by the namespace's counters (lo's tx_packets, the IP layer's InReceives, less
 * their background), never by the task-filtered trace, which misses segments sent from softirq context: a condition's
 * row must hold the counters' numbers per segment whatever the trace saw.
 */
class FastPathSettingTest {
    private static TracedStream.Result transfer(long loTx, long ipIn, long backgroundEach) {
        StreamTrial t = new StreamTrial(
                "tcp-lo", 65536, 65536, "timed", 0, 1 << 24, 1 << 24, -1, 0.01, 1, 1, -1, -1, 1, 1, 0, 256, 256, "");
        TcpInfo sender = new TcpInfo(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 600, 400, 0, 0, 0, 0, 0, 0, 0);
        return new TracedStream.Result(
                t,
                t,
                sender,
                Map.of("dev.lo.tx_packets", loTx, "Ip.InReceives", ipIn),
                Map.of("dev.lo.tx_packets", backgroundEach, "Ip.InReceives", backgroundEach),
                2.0,
                0.5,
                null,
                "tracefs not mounted",
                List.of(),
                1,
                List.of(2L),
                null);
    }

    @Test
    void aConditionsPathIsTheCountersLessTheirBackgroundPerSegment() {
        // 1 000 segments (600 out, 400 in); 20 background packets in 2 s are 5 in the 0.5 s window
        FastPathConditions.Setting s = FastPathConditions.setting("cubic", transfer(1005, 505, 20));
        assertEquals(1000, s.segments());
        assertEquals(1.0, s.devicePerSegment(), 1e-12);
        assertEquals(0.5, s.ipPerSegment(), 1e-12);
        assertTrue(Double.isNaN(s.copiesPerByte()), "copies come only from a trace, and there was none");
        assertNull(FastPathConditions.traceCrossCheck("cubic", transfer(1005, 505, 20)), "no trace, no cross-check");
    }
}

package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What sockperf and perf stat print, parsed; a size sockperf refuses is refused before it runs. */
class SockperfPerfParseTest {
    @Test
    void sockperfPercentilesIncludingItsColourCodes() {
        String out = "sockperf: \u001b[2;35m== version #3.7-no.git == \u001b[0m\n"
                + "sockperf: \u001b[2;35m====> avg-rtt=54.560 (std-dev=19.001)\u001b[0m\n"
                + "sockperf: ---> percentile 99.900 =  117.094\nsockperf: ---> percentile 99.000 =   75.332\n"
                + "sockperf: ---> percentile 50.000 =   53.679\n";
        Sockperf.Result r = Sockperf.parse(out, 64);
        assertEquals(53.679, r.p50Micros(), 1e-9);
        assertEquals(75.332, r.p99Micros(), 1e-9);
        assertEquals(117.094, r.p999Micros(), 1e-9);
        assertEquals("3.7-no.git", r.version());
        assertThrows(IllegalStateException.class, () -> Sockperf.parse("sockperf: ERROR", 64));
        assertThrows(IllegalArgumentException.class, () -> Sockperf.pingPong(4, 1, 1));
    }

    @Test
    void perfStatCsvLeavesOutWhatItCannotCount() {
        var m = PerfCounters.parse(
                "<not supported>,,L1-dcache-load-misses,0,100.00,,\n12345,,LLC-load-misses,1000,100.00,,\n");
        assertEquals(1, m.size());
        assertEquals(12345L, m.get("LLC-load-misses"));
        String why = PerfCounters.cacheCountersUnavailable();
        assertTrue(why == null || why.contains("perf"), why);
    }
}

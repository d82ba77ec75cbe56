package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import lab.loopback.sys.CpuAffinity;
import org.junit.jupiter.api.Test;

/** What sockperf and perf stat print, parsed; a size sockperf refuses is refused before it runs; a live pinned run. */
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
        assertTrue(Double.isNaN(r.clientCpuMicrosPerRoundTrip()), "no CPU measured, none reported");
        assertThrows(IllegalStateException.class, () -> Sockperf.parse("sockperf: ERROR", 64));
        assertThrows(IllegalArgumentException.class, () -> Sockperf.pingPong(4, 1, 1));
    }

    @Test
    void itsPeersCpuInAWindowIsSpreadOverTheRoundTripsItsRateGives() {
        String out = "sockperf: [Total Run] RunTime=4.001 sec; Warm up time=400 msec; SentMessages=213356; "
                + "ReceivedMessages=213355\n"
                + "sockperf: [Valid Duration] RunTime=3.500 sec; SentMessages=175001; ReceivedMessages=175000\n"
                + "sockperf: ---> percentile 50.000 =   17.653\n";
        // 50 000 round trips a second: 100 000 in a 2-s window
        Sockperf.Result r = Sockperf.parse(out, 64, new Sockperf.Window(950_000_000, 930_000_000, 2.0));
        assertEquals(9.5, r.clientCpuMicrosPerRoundTrip(), 1e-9);
        assertEquals(9.3, r.serverCpuMicrosPerRoundTrip(), 1e-9);
        assertTrue(
                Double.isNaN(
                        Sockperf.parse("sockperf: ---> percentile 50.000 = 17.6\n", 64, new Sockperf.Window(1, 1, 2))
                                .serverCpuMicrosPerRoundTrip()),
                "without a valid duration there is no rate");
    }

    @Test
    void aPinnedRunMeasuresItsPeersCpu() {
        assumeTrue(Sockperf.installed(), "sockperf not installed");
        int cpu = CpuAffinity.of(0).getFirst();
        Sockperf.Result r = Sockperf.pingPong(64, 1, Iperf3.freeLoopbackPort(), cpu, cpu);
        assertTrue(r.p50Micros() > 0);
        assertTrue(r.serverCpuMicrosPerRoundTrip() > 0, "the server's run time " + r.serverCpuMicrosPerRoundTrip());
        assertTrue(r.clientCpuMicrosPerRoundTrip() > 0, "the client's run time " + r.clientCpuMicrosPerRoundTrip());
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

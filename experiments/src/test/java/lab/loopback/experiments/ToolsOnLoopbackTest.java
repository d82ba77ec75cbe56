package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import lab.loopback.tools.PerfCounters;
import org.junit.jupiter.api.Test;

class ToolsOnLoopbackTest {
    /** What perf 6.x prints as uid 65534, tracefs not readable (seen on the reference host). */
    static final String PERF_WITHOUT_TRACEFS = """
            event syntax error: 'skb:skb_copy_datagram_iovec,net:net_dev_xmit'
                                 \\___ unknown tracepoint

            Error:	Unable to find debugfs/tracefs
            Hint:	Was your kernel compiled with debugfs/tracefs support?
            Hint:	Is the debugfs/tracefs filesystem mounted?
            Run 'perf list' for a list of valid events
            """;

    @Test
    void perfsOwnReasonIsQuoted() {
        assertEquals("Unable to find debugfs/tracefs", PerfCounters.reason(PERF_WITHOUT_TRACEFS));
        assertEquals("perf_event_paranoid forbids it", PerfCounters.reason("perf_event_paranoid forbids it\nmore"));
    }

    @Test
    void countsAreReadFromPerfsCsvLines() {
        assertEquals(1234, ToolsOnLoopback.leadingCount("1234,,skb:skb_copy_datagram_iovec,100.00,,"));
        assertEquals(-1, ToolsOnLoopback.leadingCount("<not supported>,,skb:skb_copy_datagram_iovec"));
        assertEquals(
                1234L,
                PerfCounters.parse("1234,,skb:skb_copy_datagram_iovec,100.00,,").get("skb:skb_copy_datagram_iovec"));
        assertEquals(
                null,
                PerfCounters.parse("<not supported>,,skb:skb_copy_datagram_iovec")
                        .get("skb:skb_copy_datagram_iovec"));
    }
}

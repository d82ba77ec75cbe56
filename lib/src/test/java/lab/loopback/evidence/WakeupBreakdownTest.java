package lab.loopback.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.measure.Placement;
import org.junit.jupiter.api.Test;

/**
 * Each traced message's sk_data_ready is found in whichever context the kernel ran it (the sender, ksoftirqd, the
 * reader's process), a message without one is kept and counted as not shown within the write, and the echo's own
 * sk_data_ready is never taken for the message's.
 */
class WakeupBreakdownTest {
    static final long SENDER = 100, READER = 200, KSOFTIRQD = 14;

    /** A trace line at {@code micros} µs on the trace clock, in task {@code pid}'s context. */
    private static TraceEvent at(long pid, long micros, String event, String fields) {
        return TraceEvent.parse(String.format(
                "  task-%d  [000] ..s1. %d.%06d: %s: %s", pid, micros / 1_000_000, micros % 1_000_000, event, fields));
    }

    private static TraceEvent ready(long pid, long micros) {
        return at(pid, micros, "sk_data_ready", "family=2 protocol=6 func=sock_def_readable");
    }

    /** Message {@code seq} written at {@code t} µs, its write returning after 5 µs and read() after 20. */
    private static WakeupProbe.Message message(int seq, long t) {
        return new WakeupProbe.Message(seq, t * 1_000, (t + 5) * 1_000, (t + 20) * 1_000);
    }

    private static WakeupProbe.Result result(List<WakeupProbe.Message> messages, TraceEvent... events) {
        return new WakeupProbe.Result(
                Placement.SAME_CPU,
                List.of(),
                messages,
                new TraceRecorder.Recording(List.of(events), 0, 0, 0),
                null,
                List.of(),
                SENDER,
                READER,
                List.of(READER, READER + 1),
                List.of(KSOFTIRQD, KSOFTIRQD + 1));
    }

    @Test
    void eachMessagesReadyIsFoundInTheContextItRanIn() {
        List<WakeupProbe.Message> m =
                List.of(message(0, 1_000), message(1, 2_000), message(2, 3_000), message(3, 4_000));
        List<WakeupProbe.Breakdown> b = WakeupProbe.breakdown(result(
                m,
                ready(SENDER, 1_003), // within the write, the sender's own
                ready(READER, 1_025), // the echo, after read() returned: not message 0's
                ready(KSOFTIRQD + 1, 2_008), // deferred to ksoftirqd, after the write returned
                ready(READER, 3_010), // processed at the reader's release_sock
                // message 3: none in a traced context
                ready(999, 4_004)));
        assertEquals(
                List.of(WakeupProbe.IN_SENDER, WakeupProbe.IN_KSOFTIRQD, WakeupProbe.IN_READER, WakeupProbe.UNSEEN),
                b.stream().map(WakeupProbe.Breakdown::readyIn).toList());
        assertEquals(
                List.of(true, false, false, false),
                b.stream().map(WakeupProbe.Breakdown::readyWithinWrite).toList());
        assertEquals(3_000, b.get(0).kernelPathNanos());
        assertEquals(17_000, b.get(0).wakeNanos());
        assertEquals(8_000, b.get(1).kernelPathNanos(), "ksoftirqd's event times the split like the sender's");
        WakeupProbe.Breakdown unseen = b.get(3);
        assertFalse(unseen.seen());
        assertEquals(20_000, unseen.oneWayNanos(), "kept, with its one-way time");
        assertEquals(-1, unseen.kernelPathNanos());
        assertEquals(-1, unseen.wakeNanos());
    }

    @Test
    void theSendersOwnReadyIsPreferredToAnotherFlowsInKsoftirqd() {
        // ksoftirqd serves another loopback flow a microsecond before this message's data is ready in the sender
        List<WakeupProbe.Breakdown> b = WakeupProbe.breakdown(
                result(List.of(message(0, 1_000)), ready(KSOFTIRQD, 1_002), ready(SENDER, 1_003)));
        assertEquals(WakeupProbe.IN_SENDER, b.getFirst().readyIn());
        assertEquals(3_000, b.getFirst().kernelPathNanos());
    }

    @Test
    void everyMessageHasARowAndTheTimelineNamesKsoftirqd() {
        List<WakeupProbe.Message> m = List.of(message(0, 1_000));
        WakeupProbe.Result r = result(
                m,
                at(SENDER, 1_002, "net_dev_xmit", "dev=lo skbaddr=0 len=82 rc=0"),
                at(KSOFTIRQD, 1_007, "netif_receive_skb", "dev=lo skbaddr=0 len=82"),
                ready(KSOFTIRQD, 1_008),
                at(KSOFTIRQD, 1_009, "sched_wakeup", "comm=java pid=" + READER + " prio=120 target_cpu=000"));
        assertEquals(1, WakeupProbe.breakdown(r).size());
        List<WakeupProbe.Point> t = WakeupProbe.timeline(r, 0);
        assertTrue(
                t.contains(new WakeupProbe.Point("netif_receive_skb (dev=lo)", WakeupProbe.IN_KSOFTIRQD, 7)),
                t.toString());
        assertTrue(t.contains(new WakeupProbe.Point("sk_data_ready", WakeupProbe.IN_KSOFTIRQD, 8)), t.toString());
        assertTrue(
                t.contains(new WakeupProbe.Point("sched_wakeup of the reader", WakeupProbe.IN_KSOFTIRQD, 9)),
                t.toString());
        assertEquals("write() called", t.getFirst().what());
    }
}

package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lo's path is counted by the context it ran in: packets sent and handed up, and the NET_RX softirq's runs. */
class PathContextsTest {
    private static String time(long micros) {
        return String.format("%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    private static TraceEvent softirq(String task, long pid, int cpu, long micros, String event, int vec) {
        return TraceEvent.parse(String.format(
                "  %s-%d  [%03d] ..s1. %s: %s: vec=%d [action=%s]",
                task, pid, cpu, time(micros), event, vec, vec == 3 ? "NET_RX" : "TIMER"));
    }

    private static TraceEvent packet(long pid, int cpu, long micros, String event, int len) {
        return TraceEvent.parse(String.format(
                "  java-%d  [%03d] ..s1. %s: %s: dev=lo skbaddr=00000000a1b2c3d4 len=%d%s",
                pid, cpu, time(micros), event, len, event.equals("net_dev_xmit") ? " rc=0" : ""));
    }

    private static final Map<Long, String> TASKS =
            Map.of(100L, PathContexts.IN_SENDER, 200L, PathContexts.IN_RECEIVER, 14L, PathContexts.IN_KSOFTIRQD);

    @Test
    void packetsAndSoftirqRunsAreCountedWhereTheyRan() {
        PathContexts r = PathContexts.of(
                List.of(
                        softirq("java", 100, 0, 9, "softirq_exit", 3), // began before recording: left out
                        packet(100, 0, 10, "net_dev_xmit", 65_497), // the writer sends a data segment
                        softirq("java", 100, 0, 10, "softirq_entry", 3),
                        packet(100, 0, 11, "netif_receive_skb", 65_483), // and hands it up in its own softirq
                        softirq("ksoftirqd/1", 14, 1, 11, "softirq_entry", 3), // another CPU, overlapping in time
                        softirq("java", 100, 0, 13, "softirq_exit", 3),
                        softirq("ksoftirqd/1", 14, 1, 31, "softirq_exit", 3),
                        softirq("java", 100, 0, 40, "softirq_entry", 1), // another vector
                        softirq("java", 100, 0, 45, "softirq_exit", 1),
                        packet(200, 1, 49, "net_dev_xmit", 66), // the receiver's ACK
                        softirq("java", 200, 1, 50, "softirq_entry", 3),
                        packet(200, 1, 51, "netif_receive_skb", 52),
                        packet(200, 1, 52, "net_dev_xmit", 65_497), // which released more data, sent from here
                        packet(200, 1, 53, "netif_receive_skb", 65_483),
                        softirq("java", 200, 1, 54, "softirq_exit", 3),
                        softirq("java", 100, 0, 60, "softirq_entry", 3),
                        softirq("java", 100, 0, 62, "softirq_exit", 3),
                        softirq("java", 100, 0, 70, "softirq_entry", 3)), // still running at the end: left out
                PathContexts.NET_RX,
                TASKS,
                0);
        assertEquals(
                List.of(
                        new PathContexts.Context(PathContexts.IN_SENDER, 1, 65_497, 1, 65_483, 2, 5_000, "0"),
                        new PathContexts.Context(PathContexts.IN_RECEIVER, 2, 65_563, 2, 65_535, 1, 4_000, "1"),
                        new PathContexts.Context(PathContexts.IN_KSOFTIRQD, 0, 0, 0, 0, 1, 20_000, "1")),
                r.contexts());
        assertEquals(29_000, r.total(PathContexts.Context::softirqNanos));
        assertEquals(20 / 29.0, r.share(PathContexts.IN_KSOFTIRQD, PathContexts.Context::softirqNanos), 1e-12);
        assertEquals(2.5, r.contexts().getFirst().microsPerRun(), 1e-12);
        assertEquals(65_535 / 131_018.0, r.share(PathContexts.IN_RECEIVER, PathContexts.Context::handedUpBytes), 1e-12);
        String d = r.describe();
        assertTrue(
                d.startsWith(
                        "of the 0.1 MB counted in the peers' and ksoftirqd's contexts, sent / handed up: 50% / 50% in the sender's context (CPU 0), 50% / 50% in the receiver's (CPU 1);"),
                d);
        assertTrue(d.endsWith("69% in ksoftirqd (1 runs, 20.0 µs a run)"), d);
        PathContexts partial = new PathContexts(r.contexts(), 7);
        assertTrue(
                partial.describe().endsWith("; 7 events lost to a full trace buffer, so every count is a lower bound"),
                partial.describe());
    }

    @Test
    void aTaskOutsideTheContextsIsNamedAndNothingRecordedIsSaidSo() {
        PathContexts r = PathContexts.of(
                List.of(
                        softirq("kworker/0:1", 77, 0, 1, "softirq_entry", 3),
                        softirq("kworker/0:1", 77, 0, 3, "softirq_exit", 3)),
                PathContexts.NET_RX,
                TASKS,
                0);
        assertEquals(
                new PathContexts.Context("kworker/0:1", 0, 0, 0, 0, 1, 2_000, "0"),
                r.contexts().getLast());
        assertTrue(r.describe().contains("100% in kworker/0:1 (1 runs, 2.0 µs a run)"), r.describe());
        PathContexts none = PathContexts.of(List.of(), PathContexts.NET_RX, TASKS, 0);
        assertEquals("nothing recorded", none.describe());
        assertEquals(
                "nothing recorded (3 events lost to a full trace buffer)",
                PathContexts.of(List.of(), PathContexts.NET_RX, TASKS, 3).describe());
        assertTrue(Double.isNaN(none.share(PathContexts.IN_SENDER, PathContexts.Context::sentBytes)));
    }

    @Test
    void tasksAreNamedByTheirPartAndTheSenderWinsADoubleListing() {
        Map<Long, String> byTask = PathContexts.byTask(100L, List.of(200L, 201L, 100L), "reader", List.of(14L, 22L));
        assertEquals(
                Map.of(
                        100L, PathContexts.IN_SENDER,
                        200L, "reader",
                        201L, "reader",
                        14L, PathContexts.IN_KSOFTIRQD,
                        22L, PathContexts.IN_KSOFTIRQD),
                byTask);
    }
}

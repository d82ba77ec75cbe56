package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** perf's cpu-clock samples, grouped by what the sampled code does. */
class CpuSamplesTest {
    /** perf report --stdio -q -n --no-children --sort sym, abridged from a 64 KiB iperf3 stream on this VM. */
    static final String REPORT = """
                35.12%          1404  [k] rep_movs_alternative
                 9.80%           392  [k] pv_native_safe_halt
                 4.50%           180  [k] tcp_sendmsg_locked
                 3.00%           120  [k] __schedule
                 2.50%           100  [k] entry_SYSCALL_64
                 2.00%            80  [.] iperf_send
                 1.00%            40  [k] loopback_xmit
                 0.50%            20  [k] mutex_lock
            """;

    @Test
    void symbolsAreGroupedByWhatTheyDo() {
        assertEquals(CpuSamples.Kind.COPY, CpuSamples.kindOf("_copy_to_iter", false));
        assertEquals(CpuSamples.Kind.COPY, CpuSamples.kindOf("copy_user_generic_string", false));
        assertEquals(CpuSamples.Kind.NETWORK, CpuSamples.kindOf("__tcp_transmit_skb", false));
        assertEquals(CpuSamples.Kind.NETWORK, CpuSamples.kindOf("net_rx_action", false));
        assertEquals(CpuSamples.Kind.SCHEDULER, CpuSamples.kindOf("try_to_wake_up", false));
        assertEquals(CpuSamples.Kind.IDLE, CpuSamples.kindOf("pv_native_safe_halt", false));
        assertEquals(CpuSamples.Kind.SYSCALL, CpuSamples.kindOf("entry_SYSCALL_64_after_hwframe", false));
        assertEquals(CpuSamples.Kind.USER, CpuSamples.kindOf("tcp_whatever", true), "a user-space sample is user's");
        assertEquals(CpuSamples.Kind.IRQS_ON, CpuSamples.kindOf("_raw_spin_unlock_irqrestore", false));
        assertEquals(CpuSamples.Kind.OTHER, CpuSamples.kindOf("mutex_lock", false));
    }

    @Test
    void aReportIsCountedIntoShares() {
        CpuSamples.Result r = CpuSamples.parse("perf record", REPORT);
        assertNull(r.unavailable());
        assertEquals(2336, r.samples());
        CpuSamples.Share copy = r.shares().getFirst();
        assertEquals(CpuSamples.Kind.COPY.label(), copy.kind());
        assertEquals(1404, copy.samples());
        assertEquals(100.0 * 1404 / 2336, copy.percent(), 1e-9);
        assertEquals("tcp_sendmsg_locked, loopback_xmit", r.shares().get(1).top());
        assertEquals(
                100.0,
                r.shares().stream().mapToDouble(CpuSamples.Share::percent).sum(),
                1e-9);
        assertEquals("perf recorded no samples", CpuSamples.parse("x", "").unavailable());
    }

    @Test
    void aLiveStreamIsSampled() {
        Assumptions.assumeTrue(CpuSamples.unusable() == null, () -> "skipped: " + CpuSamples.unusable());
        Assumptions.assumeTrue(Iperf3.installed(), "skipped: iperf3 is not installed");
        CpuSamples.Result r = CpuSamples.around(w -> Iperf3.runWrapped(w, 256L << 20, Iperf3.freeLoopbackPort()), 999);
        assertNull(r.unavailable(), r.describe());
        assertTrue(r.samples() > 0, r.describe());
        assertTrue(
                r.shares().stream().anyMatch(s -> s.kind().equals(CpuSamples.Kind.COPY.label())),
                "a stream copies: " + r.describe());
        assertEquals(
                100.0,
                r.shares().stream().mapToDouble(CpuSamples.Share::percent).sum(),
                1e-6);
        assertTrue(List.of(r.describe().split(" ")).contains("samples"), r.describe());
    }
}

package lab.loopback.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.KnownPattern;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Libc;
import lab.loopback.sys.LockedMemory;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringSupport;
import org.junit.jupiter.api.Test;

/**
 * SEND_ZC in a process that may pin little (RLIMIT_MEMLOCK, no CAP_IPC_LOCK), as in a hosted session: the sender
 * keeps its pinned total under the limit by reaping notifications, so a transfer many times the limit completes
 * and verifies; a limit smaller than one send is refused with the limit named.
 */
class SendZcLockedMemoryTest {
    static final int CHUNK = 64 * 1024;
    static final long TOTAL = 32L << 20;

    /** Runs in the restricted child: one verified SEND_ZC transfer, then one line saying how it ended. */
    public static final class Main {
        public static void main(String[] args) {
            System.out.println("BUDGET " + LockedMemory.budget() + " EXEMPT " + LockedMemory.exempt());
            try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), "0", 120);
                    IoUring ring = IoUring.setup(8, 0);
                    Arena arena = Arena.ofConfined()) {
                KnownPattern pattern = new KnownPattern(arena, CHUNK);
                KernelNotices n = new KernelNotices();
                StreamTrial t = runner.trial(
                        CHUNK,
                        60,
                        "timed",
                        0,
                        c -> {},
                        (c, deadline) ->
                                MemorySenders.uring(ring, c.fd(), pattern::slice, TOTAL, CHUNK, true, deadline, n),
                        c -> {});
                System.out.println("DONE verified=" + t.verified() + " bytes=" + t.bytesReceived() + " sends="
                        + n.sends() + " reported=" + n.reported());
            } catch (PinLimitException e) {
                System.out.println("PINLIMIT " + e.getMessage());
            } catch (RuntimeException e) {
                System.out.println("FAILED " + e);
            }
        }
    }

    private static List<String> restricted(long memlockBytes) {
        List<String> prefix = new ArrayList<>();
        // root holds CAP_IPC_LOCK, which exempts it from the limit: drop it from the bounding set for the child
        if (Libc.geteuid() == 0) prefix.addAll(List.of("setpriv", "--bounding-set=-ipc_lock", "--"));
        prefix.addAll(List.of("prlimit", "--memlock=" + memlockBytes + ":" + memlockBytes, "--"));
        return prefix;
    }

    private static List<String> runChild(long memlockBytes) {
        assumeTrue(
                IoUringSupport.check().available(),
                "io_uring is not available here: " + IoUringSupport.check().reason());
        try (ChildJvm child = ChildJvm.start(Main.class, List.of(), restricted(memlockBytes))) {
            String budget = child.expectLine("BUDGET ", 30_000);
            String end = child.expectLine("", 120_000);
            while (!(end.startsWith("DONE") || end.startsWith("PINLIMIT") || end.startsWith("FAILED")))
                end = child.expectLine("", 120_000);
            return List.of(budget, end);
        }
    }

    @Test
    void aTransferThirtyTwoTimesTheLimitCompletesVerified() {
        List<String> out = runChild(1 << 20);
        assertEquals("1048576 EXEMPT false", out.get(0), "the child must run under the limit, without CAP_IPC_LOCK");
        assertTrue(out.get(1).startsWith("DONE verified=true bytes=" + TOTAL + " "), out.get(1));
        String[] f = out.get(1).split(" ");
        assertEquals(
                f[3].substring("sends=".length()),
                f[4].substring("reported=".length()),
                "every send's notification arrived: " + out.get(1));
    }

    @Test
    void aLimitSmallerThanOneSendIsNamed() {
        List<String> out = runChild(64 << 10);
        assertTrue(out.get(1).startsWith("PINLIMIT"), out.get(1));
        assertTrue(out.get(1).contains("ulimit -l 64") && out.get(1).contains("CAP_IPC_LOCK"), out.get(1));
    }

    @Test
    void pinnedSendsCountBytesUntilTheirNotification() {
        PinnedSends p = new PinnedSends();
        p.pinned(1, 100);
        p.pinned(2, 50);
        p.failed(3);
        assertEquals(150, p.bytes());
        assertEquals(3, p.pending());
        assertTrue(!p.released(3), "a failed send's notification reports nothing");
        assertTrue(p.released(1));
        assertEquals(50, p.bytes());
        assertTrue(!p.released(99), "an unknown tag is not ours");
        assertEquals(1, p.pending());
        assertEquals(4L << 20, PinnedSends.capOf(8L << 20));
        assertEquals(Long.MAX_VALUE, PinnedSends.capOf(Long.MAX_VALUE));
    }
}

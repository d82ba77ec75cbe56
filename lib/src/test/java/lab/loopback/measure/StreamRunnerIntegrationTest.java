package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.Transports;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.ProcFiles;
import org.junit.jupiter.api.Test;

/** Real bytes between this JVM and a child JVM over 127.0.0.1. */
class StreamRunnerIntegrationTest {
    @Test
    void aByteBoundedTrialDeliversExactlyThatManyVerifiedBytes() {
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), "0", 120)) {
            StreamTrial t = r.trial(65536, 30, 10_000_000, "timed", 0);
            assertEquals(10_000_000, t.bytesSent());
            assertEquals(10_000_000, t.bytesReceived());
            assertTrue(t.verified());
            assertTrue(t.seconds() > 0);
            assertTrue(t.cpuNanosPerByte() > 0, "both peers used some CPU");
            assertTrue(r.address().startsWith("127.0.0.1:"));
        }
    }

    /**
     * A sender that corrupts one byte, and one that says it sent more than it did: the receiver's check finds both,
     * and {@link StreamRunner#verified} refuses them, so neither can ever be reported as a throughput.
     */
    @Test
    void aCorruptedOrShortTransferIsRefused() {
        long total = 1 << 20, flipped = 300_001;
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), "0", 120);
                Arena arena = Arena.ofConfined()) {
            KnownPattern pattern = new KnownPattern(arena, 65536);
            MemorySegment copy = arena.allocate(65536);
            StreamTrial corrupted = r.trial(
                    65536,
                    30,
                    "timed",
                    0,
                    c -> {},
                    (c, deadline) -> {
                        long sent = 0;
                        while (sent < total) {
                            long n = Math.min(65536, total - sent);
                            MemorySegment.copy(pattern.slice(sent, n), 0, copy, 0, n);
                            if (flipped >= sent && flipped < sent + n)
                                copy.set(ValueLayout.JAVA_BYTE, flipped - sent, (byte)
                                        ~copy.get(ValueLayout.JAVA_BYTE, flipped - sent));
                            sent += c.write(copy, n);
                        }
                        return new StreamRunner.Sent(sent, total / 65536);
                    },
                    c -> {});
            assertEquals(flipped, corrupted.mismatchAt(), "the receiver names the first wrong byte");
            assertThrows(TransferCorruptedException.class, () -> StreamRunner.verified(corrupted));

            StreamTrial shortOne = r.trial(
                    65536,
                    30,
                    "timed",
                    1,
                    c -> {},
                    (c, deadline) -> {
                        long sent = c.write(pattern.slice(0, 65536), 65536);
                        return new StreamRunner.Sent(sent + 1, 1); // claims one byte more than the kernel took
                    },
                    c -> {});
            assertEquals(65536, shortOne.bytesReceived());
            assertThrows(TransferCorruptedException.class, () -> StreamRunner.verified(shortOne));
        }
    }

    @Test
    void aTimeBoundedTrialStopsOnItsOwn() {
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), "0", 120)) {
            StreamTrial t = r.trial(4096, 0.2, Long.MAX_VALUE, "timed", 0);
            assertTrue(t.verified());
            assertTrue(t.seconds() < 20, "stopped by its 0.2 s bound, took " + t.seconds());
            List<StreamTrial> all = r.trials(16384, Profile.QUICK);
            assertEquals(Profile.QUICK.warmups + Profile.QUICK.trials, all.size());
            assertTrue(all.stream().allMatch(StreamTrial::verified));
        }
    }

    @Test
    void placedPeersShareOneCpuAndBothGetTheirSetsBack() {
        List<Integer> mine = CpuAffinity.of(0);
        try (StreamRunner r =
                StreamRunner.start(Transports.byId("tcp-lo"), "0", 120).placement(Placement.SAME_CPU)) {
            StreamTrial t = r.trial(65536, 30, 4_000_000, "timed", 0);
            assertTrue(t.verified());
            assertEquals(Placement.SAME_CPU.id(), t.placement(), "the trial records where its peers ran");
            assertTrue(t.senderSleeps() >= 0 && t.senderPreemptions() >= 0, t.toString());
            assertEquals(mine, CpuAffinity.of(0), "the sending thread may run where it could before");
            // the receiver JVM inherited this process's set; its reading thread has it back after the trial
            assertEquals(mine, CpuAffinity.of(r.receiverTid()), "the reader may run where it could before");
            assertEquals(
                    "both peers on CPU " + mine.getFirst() + " in 1 trial",
                    r.placement(),
                    "the evidence says what was arranged");
            r.placement(null);
            StreamTrial free = r.trial(65536, 30, 1_000_000, "timed", 1);
            assertTrue(free.verified());
            assertEquals(Placement.SCHEDULER.id(), free.placement());
            assertEquals(
                    "both peers on CPU " + mine.getFirst() + " in 1 trial, placement left to the scheduler in 1 trial",
                    r.placement());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> CpuAffinity.set(0, List.of(4096)));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertEquals(mine, CpuAffinity.of(0), "a refused mask changes nothing");
    }

    @Test
    void aPlacementHoldsBothPeersForTheTrialAndGivesBothTheirSetsBack() {
        List<Integer> mine = CpuAffinity.of(0);
        for (Placement pl : Placement.arrangeable(mine)) {
            if (pl == Placement.SCHEDULER) continue;
            int[] at = pl.cpus(mine);
            try (StreamRunner r =
                    StreamRunner.start(Transports.byId("tcp-lo"), "0", 120).placement(pl)) {
                List<List<Integer>> during = new ArrayList<>();
                StreamTrial t = r.trial(
                        65536,
                        30,
                        4_000_000,
                        "timed",
                        0,
                        c -> {
                            during.add(CpuAffinity.of(0));
                            during.add(CpuAffinity.of(r.receiverTid()));
                        },
                        c -> {});
                assertTrue(t.verified());
                assertEquals(pl.id(), t.placement());
                assertEquals(
                        List.of(List.of(at[0]), List.of(at[1])), during, pl + ": sender, then reader, while sending");
                assertEquals(mine, CpuAffinity.of(0), pl + ": the sender's own set is back");
                assertEquals(mine, CpuAffinity.of(r.receiverTid()), pl + ": the reader's own set is back");
                r.placement(null);
                assertTrue(r.trial(65536, 30, 1_000_000, "timed", 1).verified(), "unplaced again");
            }
        }
    }

    /**
     * A reader with a vCPU of its own reads at most {@link StreamRunner#OWN_CPU_READ_CAP} at a time, whatever the write
     * size; sharing the sender's vCPU or left to the scheduler, it reads the write size. The trial records both sizes,
     * and every byte is still checked.
     */
    @Test
    void theReaderReadsSmallerPiecesOnlyOnAVcpuOfItsOwn() {
        int mib = 1 << 20;
        assertEquals(65536, StreamRunner.readSize(mib, Placement.TWO_CPUS));
        assertEquals(16384, StreamRunner.readSize(16384, Placement.TWO_CPUS), "a small write is read whole");
        assertEquals(mib, StreamRunner.readSize(mib, Placement.SAME_CPU));
        assertEquals(mib, StreamRunner.readSize(mib, null));
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), "0", 120)) {
            for (Placement pl : Placement.arrangeable(CpuAffinity.of(0))) {
                StreamTrial t = r.placement(pl).trial(mib, 30, 8L * mib, "timed", 0);
                assertTrue(t.verified(), pl + ": every byte checked");
                assertEquals(mib, t.writeSize(), pl + ": the write size recorded");
                assertEquals(StreamRunner.readSize(mib, pl == Placement.SCHEDULER ? null : pl), t.readSize(), pl.id());
                assertTrue(
                        t.reads() >= t.bytesReceived() / t.readSize(),
                        pl + ": no read returned more than was asked for (" + t.reads() + " reads)");
            }
        }
    }

    @Test
    void aSenderThatMustWaitForItsReaderCountsItsSwitches() {
        try (StreamRunner r =
                StreamRunner.start(Transports.byId("tcp-lo"), "0", 120).placement(Placement.SAME_CPU)) {
            // twice what the two socket buffers can hold at most: the reader shares the sender's CPU, so the sender
            // must have slept or been preempted for the reader to drain them, and its thread's counts say so (4 MB
            // alone fit the buffers here and moved without a switch)
            long more = 2 * (maxBuffer("tcp_wmem") + maxBuffer("tcp_rmem"));
            StreamTrial waited = r.trial(65536, 30, more, "timed", 0);
            assertTrue(waited.verified());
            assertTrue(waited.senderSleeps() >= 0 && waited.senderPreemptions() >= 0, waited.toString());
            assertTrue(waited.senderSleeps() + waited.senderPreemptions() >= 1, waited.toString());
        }
    }

    /** The largest buffer TCP may give a socket (the third field of net.ipv4.tcp_wmem or tcp_rmem). */
    private static long maxBuffer(String sysctl) {
        try {
            String[] f =
                    ProcFiles.read(Path.of("/proc/sys/net/ipv4", sysctl)).trim().split("\\s+");
            return Long.parseLong(f[2]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void absurdSizesAreRefusedBeforeAnythingMoves() {
        try (StreamRunner r = StreamRunner.start(Transports.byId("tcp-lo"), "0", 60)) {
            assertThrows(IllegalArgumentException.class, () -> r.trial(0, 1, 100, "timed", 0));
            assertThrows(IllegalArgumentException.class, () -> r.trial(1 << 30, 1, 100, "timed", 0));
            assertThrows(IllegalArgumentException.class, () -> r.trial(4096, -1, 100, "timed", 0));
            // the runner still works after refusing
            assertTrue(r.trial(4096, 5, 8192, "timed", 0).verified());
        }
    }

    @Test
    void memcpyBaselineCopiesAndTimes() {
        var pts = MemcpyBaseline.sweep(65536, 0.01, 2);
        assertEquals(3 * 2, pts.size()); // 4, 16, 64 KiB × 2 trials
        assertTrue(pts.stream().allMatch(p -> p.bytesCopied() >= p.size() && p.bytesPerSecond() > 0));
        assertThrows(IllegalArgumentException.class, () -> MemcpyBaseline.sweep(100, 0.01, 1));
        assertEquals(2, MemcpyBaseline.measure(4096 + 3, 0.005, 2).size(), "odd sizes are copied and checked whole");
    }
}

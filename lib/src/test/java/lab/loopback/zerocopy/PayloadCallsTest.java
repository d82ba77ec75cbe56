package lab.loopback.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import lab.loopback.evidence.PayloadCalls;
import lab.loopback.evidence.SyscallCount;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.StreamRunner;
import lab.loopback.sys.Libc;
import lab.loopback.uring.IoUringSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which calls carried a sender's payload, as the kernel's trace of the sending thread shows them. */
class PayloadCallsTest {
    static TraceRecorder.Recording recording(String... lines) {
        return new TraceRecorder.Recording(
                Arrays.stream(lines)
                        .map(TraceEvent::parse)
                        .filter(Objects::nonNull)
                        .toList(),
                0,
                0,
                0);
    }

    @Test
    void callsWithAUserBufferAreToldFromCallsThatMoveReferences() {
        var rec = recording(
                "  java-7  [000] ..... 1.1: sys_enter: NR 40 (5, 6, 0, 10000, 0, 0)",
                "  java-7  [000] ..... 1.2: sys_enter: NR 40 (5, 6, 0, 10000, 0, 0)",
                "  java-7  [000] ..... 1.3: sys_enter: NR 1 (5, 7f00, 1, 0, 0, 0)",
                "  java-8  [001] ..... 1.4: sys_enter: NR 1 (5, 7f00, 10000, 0, 0, 0)",
                "  java-7  [000] ..... 1.5: io_uring_submit_req: ring 0000000012, req 0000000034, user_data 0x1, opcode SPLICE, flags 0x0, sq_thread 0",
                "  java-7  [000] ..... 1.6: io_uring_submit_req: ring 0000000012, req 0000000035, user_data 0x2, opcode NOP, flags 0x0, sq_thread 0");
        PayloadCalls p = PayloadCalls.of(SyscallCount.of(rec, 7), rec, 7);
        assertEquals(1, p.fromUserBuffer(), "the other thread's write is not this sender's");
        assertEquals(3, p.byReference(), "two sendfile calls and one io_uring SPLICE; NOP carries nothing");
        assertEquals(Boolean.FALSE, p.mostlyFromUserBuffer());
        assertEquals("sendfile 2, io_uring SPLICE 1, write 1", p.describe());
        var zc = recording(
                "  java-7  [000] ..... 1.5: io_uring_submit_req: ring 01, req 02, user_data 0x1, opcode SEND_ZC, flags 0x0, sq_thread 0");
        assertEquals(
                Boolean.TRUE,
                PayloadCalls.of(SyscallCount.of(zc, 7), zc, 7).mostlyFromUserBuffer(),
                "a zero-copy send still hands over a user buffer");
        var none = recording("  java-7  [000] ..... 1.1: sys_enter: NR 202 (1, 2, 3, 4, 5, 6)");
        assertNull(
                PayloadCalls.of(SyscallCount.of(none, 7), none, 7).mostlyFromUserBuffer(),
                "no payload call: no answer");
    }

    @Test
    void theKernelsTraceShowsWhichSendersCopyFromUserMemory(@TempDir Path dir) {
        Tracefs tracefs = Tracefs.locate(true);
        try {
            assumeTrue(tracefs.available(), () -> "tracefs: " + tracefs.unavailable());
            assumeTrue(tracefs.hasEvent(SyscallCount.EVENT), SyscallCount.EVENT);
            boolean uring = IoUringSupport.check().available() && tracefs.hasEvent(PayloadCalls.URING_EVENT);
            List<String> events = new ArrayList<>(List.of(SyscallCount.EVENT));
            if (uring) events.add(PayloadCalls.URING_EVENT);
            long tid = Libc.gettid();
            try (StreamRunner runner = StreamRunner.start(Transports.byId("tcp-lo"), "0", 300);
                    PatternFile f = PatternFile.create(dir, 2 << 20)) {
                for (FileSender s : FileSenders.all()) {
                    if (FileSenders.usesIoUring(s.id()) && !uring) continue;
                    TraceRecorder.Recording rec;
                    try (TraceRecorder r = TraceRecorder.open(tracefs, events, 8192)) {
                        r.onlyTasks(List.of(tid));
                        rec = r.record(() -> assertTrue(
                                FileTransfer.run(runner, f, s, 65536, 60, "test", 0, new KernelNotices())
                                        .verified(),
                                s.id()));
                    }
                    PayloadCalls p = PayloadCalls.of(SyscallCount.of(rec, tid), rec, tid);
                    boolean userBuffer = s.id().equals(FileSenders.READ_WRITE)
                            || s.id().equals(FileSenders.MMAP_WRITE)
                            || s.id().equals(FileSenders.MSG_ZEROCOPY)
                            || s.id().equals(FileSenders.URING_SEND_ZC);
                    assertEquals(userBuffer, p.mostlyFromUserBuffer(), s.id() + ": " + p.describe());
                    assertTrue(
                            p.fromUserBuffer() + p.byReference() >= (2 << 20) / 65536,
                            s.id() + " moved 32 chunks: " + p.describe());
                    if (s.id().equals(FileSenders.URING_SPLICE))
                        assertTrue(p.describe().contains("io_uring SPLICE"), p.describe());
                }
            }
        } finally {
            tracefs.release();
        }
    }
}

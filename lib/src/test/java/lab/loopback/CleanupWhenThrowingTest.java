package lab.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.loopback.echo.FirstByteServerMain;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.netns.NetNamespace;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Code that throws inside what the workbench creates — a namespace with a process in it, a tracefs instance that is
 * recording, a child JVM — leaves none of it behind once the try block is left.
 */
class CleanupWhenThrowingTest {
    private static final List<String> SERVER_ARGS = List.of("60", "64", "0"); // at most 60 s, 64 B requests, no TFO

    private static boolean endsWithin(long pid, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > until) return false;
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void aNamespaceWhoseCodeThrowsIsDeletedWithTheProcessesInside() throws Exception {
        Assumptions.assumeTrue(
                NetNamespace.unavailable() == null, () -> "no namespaces: " + NetNamespace.unavailable());
        String[] name = new String[1];
        long[] pid = new long[1];
        var e = assertThrows(IllegalStateException.class, () -> {
            try (NetNamespace ns = NetNamespace.create()) {
                name[0] = ns.name();
                // a server left running inside on purpose: the namespace's close must end it
                ChildJvm server = ChildJvm.start(FirstByteServerMain.class, SERVER_ARGS, ns.execPrefix());
                pid[0] = server.pid();
                server.expect(ChildLine.Ready.class, 30_000);
                ns.call(() -> {
                    throw new IllegalStateException("failed inside the namespace");
                });
            }
        });
        assertEquals("failed inside the namespace", e.getMessage());
        assertFalse(NetNamespace.ours().contains(name[0]), "namespace " + name[0] + " is deleted");
        assertTrue(endsWithin(pid[0], 10), "the process inside it ended");
    }

    @Test
    void aTracefsInstanceWhoseRecordingThrowsIsRemoved() {
        Assumptions.assumeTrue(Libc.geteuid() == 0, "tracefs instances need root");
        Tracefs t = Tracefs.locate(true);
        Assumptions.assumeTrue(t.available(), () -> "no tracefs: " + t.unavailable());
        Path[] instance = new Path[1];
        try {
            var e = assertThrows(IllegalStateException.class, () -> {
                try (TraceRecorder r = TraceRecorder.open(t, List.of("sched/sched_switch"), 64)) {
                    instance[0] = r.instance();
                    assertTrue(Files.isDirectory(instance[0]));
                    r.record(() -> {
                        throw new IllegalStateException("failed while recording");
                    });
                }
            });
            assertEquals("failed while recording", e.getMessage());
            assertFalse(Files.exists(instance[0]), instance[0] + " is removed");
        } finally {
            t.release();
        }
    }

    @Test
    void aChildJvmBesideCodeThatThrowsEnds() throws Exception {
        long[] pid = new long[1];
        var e = assertThrows(IllegalStateException.class, () -> {
            try (ChildJvm server = ChildJvm.start(FirstByteServerMain.class, SERVER_ARGS)) {
                pid[0] = server.pid();
                server.expect(ChildLine.Ready.class, 30_000);
                throw new IllegalStateException("failed beside a child");
            }
        });
        assertEquals("failed beside a child", e.getMessage());
        assertTrue(endsWithin(pid[0], 10), "the child JVM ended");
    }
}

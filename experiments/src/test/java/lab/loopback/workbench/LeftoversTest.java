package lab.loopback.workbench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.ipc.SharedMemoryRing;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.sys.Libc;
import lab.loopback.sys.TempFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run killed with -9 leaves, swept when the next run starts — made here on purpose for a process that is
 * gone (the kill test cannot time its kill to the instant a ring file exists: both peers unlink it once mapped),
 * beside the same things of a live process, which must stay.
 */
class LeftoversTest {
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aGoneProcesssRingFileIsRemovedALiveOnesIsKept(@TempDir Path out) throws Exception {
        Path shm = SharedMemoryRing.directory();
        Assumptions.assumeTrue(SharedMemoryRing.unavailable() == null, "no writable " + shm);
        Path dead = shm.resolve("llab-" + deadPid() + "-1");
        Path live = shm.resolve("llab-" + ProcessHandle.current().pid() + "-999");
        try {
            Files.write(dead, new byte[4096]);
            Files.write(live, new byte[4096]);
            List<String> said = Leftovers.sweep(out);
            assertFalse(Files.exists(dead), "the gone process's ring file is removed");
            assertTrue(said.stream().anyMatch(l -> l.contains(dead.toString())), "and the run says so: " + said);
            assertTrue(Files.exists(live), "a live process's ring file is not touched");
        } finally {
            Files.deleteIfExists(dead);
            Files.deleteIfExists(live);
        }
    }

    @Test
    void aGoneProcesssTracefsInstanceIsRemovedALiveOnesIsKept(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(Libc.geteuid() == 0, "tracefs instances need root");
        Tracefs t = Tracefs.locate(true);
        Assumptions.assumeTrue(t.available(), "no tracefs: " + t.unavailable());
        Path dead = t.root().resolve("instances").resolve(TraceRecorder.PREFIX + deadPid() + "-1");
        Path live = t.root()
                .resolve("instances")
                .resolve(TraceRecorder.PREFIX + ProcessHandle.current().pid() + "-999");
        try {
            Files.createDirectory(dead); // mkdir in instances/ makes a ring buffer, as a recorder does
            Files.createDirectory(live);
            Leftovers.sweep(out);
            assertFalse(Files.exists(dead), "the gone process's instance is removed");
            assertTrue(Files.exists(live), "a live process's instance is not touched");
        } finally {
            Files.deleteIfExists(dead);
            Files.deleteIfExists(live);
            t.release();
        }
    }

    @Test
    void aGoneProcesssTemporaryFileIsRemovedALiveOnesIsKept(@TempDir Path out) throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path dead = tmp.resolve("llab-tmp-" + deadPid() + "-1-child-123.stderr");
        Path mine = TempFiles.file("child", ".stderr"); // named after this live process
        Path other = tmp.resolve("llab-tmp-notapid.stderr");
        try {
            Files.writeString(dead, "x");
            Files.writeString(other, "x");
            List<String> said = Leftovers.sweep(out);
            assertFalse(Files.exists(dead), "the gone process's temporary file is removed");
            assertTrue(said.stream().anyMatch(l -> l.contains("temporary file")), "and the run says so: " + said);
            assertTrue(Files.exists(mine), "a live process's temporary file is not touched");
            assertTrue(Files.exists(other), "a name not of the form llab-tmp-PID-N-… is not ours to judge");
        } finally {
            Files.deleteIfExists(dead);
            Files.deleteIfExists(mine);
            Files.deleteIfExists(other);
        }
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.sys.Libc;
import lab.loopback.sys.ProcFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sections 13-15 in the quick profile: every claim judged with evidence, figures drawn, nothing left behind. */
class IpcRunTest {
    static final List<String> CLAIMS =
            List.of("IPC-1", "IPC-2", "IPC-3", "FIN-1", "FIN-2", "FIN-3", "MORE-1", "MORE-2", "MORE-3", "MORE-4");

    /**
     * The workbench's ring files or rendezvous directories in {@code dir} that belong to this process's uid: ./lab test
     * runs every notebook as another user (uid 65534) beside these tests, and that user's IPC experiments make and
     * remove their own meanwhile.
     */
    static List<String> ours(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        int uid = Libc.geteuid();
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("llab-") && ownedBy(p, uid))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    private static boolean ownedBy(Path p, int uid) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid;
        } catch (IOException e) {
            return false; // removed meanwhile: not left behind
        }
    }

    @Test
    void sectionsThirteenToFifteenAreJudgedAndCleanedUp(@TempDir Path out) throws IOException {
        List<String> shmBefore = ours(Path.of("/dev/shm")),
                tmpBefore = ours(Path.of(System.getProperty("java.io.tmpdir")));
        String tfoBefore = ProcFiles.read(Path.of("/proc/sys/net/ipv4/tcp_fastopen"));
        var r = RunAssertions.quickRun(out, "13", "14", "15");
        RunAssertions.judgedWhereJudgeable(r.verdicts(), CLAIMS);
        RunAssertions.rejudgingReproduces(r.runDir());
        for (String exp :
                List.of("ipc-shootout", "cache-residency", "rdma-comparison", "wait-modes", "unix-versus-tcp")) {
            try (var files = Files.list(r.runDir().resolve(exp))) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), exp + " drew a figure");
            }
        }
        // no latency pooled across placements of the peers: each table says where its round trips ran
        Path run = r.runDir();
        List<String> placed = RunAssertions.placements();
        assertEquals(placed, RunAssertions.values(run, "ipc-shootout", "latency", "placement"));
        assertEquals(placed, RunAssertions.values(run, "wait-modes", "modes", "placement"));
        assertEquals(placed, RunAssertions.values(run, "unix-versus-tcp", "side-by-side", "placement"));
        // and every transport's stream on one placement, the same for all: the last this host can arrange
        assertEquals(List.of(placed.getLast()), RunAssertions.values(run, "ipc-shootout", "throughput", "placement"));
        if (RunAssertions.values(run, "fast-open", "modes", "mode").size() == 2)
            assertEquals(placed, RunAssertions.values(run, "fast-open", "modes", "placement"));
        assertEquals(shmBefore, ours(Path.of("/dev/shm")), "ring files left in /dev/shm");
        assertEquals(tmpBefore, ours(Path.of(System.getProperty("java.io.tmpdir"))), "rendezvous directories left");
        assertEquals(
                tfoBefore,
                ProcFiles.read(Path.of("/proc/sys/net/ipv4/tcp_fastopen")),
                "the host's tcp_fastopen changed");
        NothingLeft.namespacesOrChildren();
    }
}

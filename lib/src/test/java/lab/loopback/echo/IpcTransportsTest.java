package lab.loopback.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.uring.IoUringSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every IPC transport in both runners, peers in separate JVMs: a one-way stream whose every byte is checked,
 * and verified request/response round trips, at sizes that force short reads and split messages. Afterwards no
 * ring file, FIFO or rendezvous directory of the workbench is left behind.
 */
class IpcTransportsTest {
    static final List<String> TRANSPORTS = Transports.IPC;
    private static Set<String> before;

    @BeforeAll
    static void remember() throws IOException {
        before = leftovers();
    }

    @AfterAll
    static void nothingLeftBehind() throws IOException {
        Set<String> now = leftovers();
        now.removeAll(before);
        assertEquals(Set.of(), now, "files the transports created and did not remove");
    }

    /**
     * Workbench-made entries in /dev/shm and the temp dir owned by this test's user. Only this user's: ./lab test runs
     * every notebook as a hosted user (uid 65534) beside the Maven tests, and a child JVM's stderr file of theirs,
     * made in these seconds and removed a moment later, once failed this test.
     */
    static Set<String> leftovers() throws IOException {
        Set<String> out = new HashSet<>();
        String me = System.getProperty("user.name");
        for (Path dir : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                out.addAll(s.filter(p -> p.getFileName().toString().startsWith("llab-"))
                        .filter(p -> ownedBy(p, me))
                        .map(p -> p.getFileName().toString())
                        .collect(Collectors.toSet()));
            }
        }
        return out;
    }

    /** Whether {@code user} owns {@code p}; an entry gone meanwhile is nobody's leftover. */
    private static boolean ownedBy(Path p, String user) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(user);
        } catch (IOException gone) {
            return false;
        }
    }

    private static StreamTransport transport(String id) {
        if (id.equals("uring"))
            Assumptions.assumeTrue(
                    IoUringSupport.check().available(),
                    () -> "io_uring: " + IoUringSupport.check().reason());
        return Transports.byId(id);
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void theStreamRunnerMovesVerifiedBytes(String id) {
        try (StreamRunner r = StreamRunner.start(transport(id), "", 120)) {
            for (int size : new int[] {1000, 1 << 20}) {
                // 3 MiB + 5: not a multiple of any write, ring message or pipe page
                StreamTrial t = StreamRunner.verified(r.trial(size, 30, (3L << 20) + 5, "timed", 0));
                assertEquals((3L << 20) + 5, t.bytesSent(), id);
                assertEquals(t.bytesSent(), t.bytesReceived(), id);
            }
        }
    }

    @ParameterizedTest
    @FieldSource("TRANSPORTS")
    void thePingPongRunnerVerifiesEveryAnswer(String id) {
        try (PingPong p = PingPong.start(transport(id), 120)) {
            // sizes no request can have are refused before a byte moves, and the server carries on
            assertThrows(IllegalArgumentException.class, () -> p.trial(0, "timed", 0, 10, 5));
            assertThrows(IllegalArgumentException.class, () -> p.trial((16 << 20) + 1, "timed", 0, 10, 5));
            for (int size : new int[] {64, 700_000}) {
                PingPong.Trial t = p.trial(size, "timed", 0, 40, 30);
                assertEquals(40, t.stats().roundTrips(), id + " at " + size + " B");
                assertTrue(
                        t.stats().p50Micros() > 0
                                && t.stats().maxMicros() >= t.stats().p99Micros(),
                        id);
                assertEquals(id, t.transport());
            }
        }
    }
}

package lab.loopback.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the IPC transports do with paths, directories and hosts they cannot use: a clear error, nothing left behind. */
class IpcBadInputTest {
    @TempDir
    Path tmp;

    @Test
    void aFifoPathThatIsARegularFileIsRefusedByName() throws IOException {
        Path base = tmp.resolve("q");
        Files.writeString(tmp.resolve("q.c2s"), "not a fifo");
        var e = assertThrows(IllegalArgumentException.class, () -> new NamedPipes().listen(base.toString()));
        assertTrue(e.getMessage().contains(base + ".c2s") && e.getMessage().contains("not a FIFO"), e.getMessage());
        assertEquals("not a fifo", Files.readString(tmp.resolve("q.c2s")), "the file is left as it was");
        assertFalse(Files.exists(tmp.resolve("q.s2c")), "nothing half-made");
    }

    @Test
    void existingFifosAreUsedAndKeptAndFreshOnesRemoved() throws Exception {
        Path base = tmp.resolve("f");
        FileCalls.mkfifo(base + ".c2s", 0600);
        try (Listener l = new NamedPipes().listen(base.toString())) {
            assertTrue(Files.exists(Path.of(base + ".s2c")));
            roundTrip(new NamedPipes(), l);
        }
        assertTrue(Files.exists(Path.of(base + ".c2s")), "a FIFO the user made stays");
        assertFalse(Files.exists(Path.of(base + ".s2c")), "the one the workbench made goes");
    }

    @Test
    void aUnixSocketPathThatExistsIsRefused() throws IOException {
        Path p = Files.writeString(tmp.resolve("s"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new UnixStream().listen(p.toString()));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void aMissingShmDirectoryIsNamedNotCrashedOn() {
        String old = System.getProperty(SharedMemoryRing.DIR_PROPERTY);
        try {
            System.setProperty(
                    SharedMemoryRing.DIR_PROPERTY, tmp.resolve("absent").toString());
            assertNotNull(SharedMemoryRing.unavailable());
            var e = assertThrows(IllegalStateException.class, () -> new SharedMemoryRing().listen(""));
            assertTrue(e.getMessage().contains("absent") && e.getMessage().contains("does not exist"), e.getMessage());
        } finally {
            restore(old);
        }
    }

    @Test
    void aFullShmIsEnospcAtHandOverAndLeavesNoRingFile() throws Exception {
        Assumptions.assumeTrue(Libc.geteuid() == 0, "mounting a tiny tmpfs needs root");
        Path small = Files.createDirectory(tmp.resolve("small"));
        Assumptions.assumeTrue(
                new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "llab-test", small.toString())
                                .start()
                                .waitFor()
                        == 0,
                "mount -t tmpfs failed");
        String old = System.getProperty(SharedMemoryRing.DIR_PROPERTY);
        try {
            System.setProperty(SharedMemoryRing.DIR_PROPERTY, small.toString());
            SharedMemoryRing shm = new SharedMemoryRing();
            try (Listener l = shm.listen("")) {
                CompletableFuture<Connection> peer = CompletableFuture.supplyAsync(() -> shm.connect(l.address()));
                ErrnoException e = assertThrows(ErrnoException.class, l::accept);
                assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
                assertTrue(e.getMessage().contains("posix_fallocate"), e.getMessage());
                var ce = assertThrows(ExecutionException.class, () -> peer.get(10, TimeUnit.SECONDS));
                assertTrue(
                        ce.getCause().getMessage().contains("hand-over"),
                        ce.getCause().getMessage());
            }
            try (var files = Files.list(small)) {
                assertEquals(0, files.count(), "no ring file left in the full tmpfs");
            }
        } finally {
            restore(old);
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void everyIpcTransportIsKnownByItsId() {
        for (String id : Transports.IPC) assertEquals(id, Transports.byId(id).id());
        var e = assertThrows(IllegalArgumentException.class, () -> Transports.byId("carrier-pigeon"));
        assertTrue(e.getMessage().contains("carrier-pigeon") && e.getMessage().contains("shm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WaitMode.parse("telepathy"));
    }

    @Test
    void inProcessRoundTripsOverEveryLocalTransport() throws Exception {
        for (StreamTransport t : new StreamTransport[] {
            new UnixStream(), new AnonymousPipes(), new NamedPipes(), new SharedMemoryRing(), new GrpcStreams()
        }) {
            try (Listener l = t.listen("")) {
                roundTrip(t, l);
            }
        }
    }

    /** 100 000 bytes there and back, read in 777-byte pieces (split messages), then end of stream both ways. */
    private static void roundTrip(StreamTransport t, Listener l) throws Exception {
        int n = 100_000;
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try (Connection c = l.accept();
                    var a = Arena.ofConfined()) {
                var buf = a.allocate(n);
                long got = 0;
                for (long r; got < n && (r = c.read(buf.asSlice(got), Math.min(777, n - got))) > 0; ) got += r;
                c.writeFully(buf, got);
                c.shutdownOutput();
            }
        });
        try (Connection c = t.connect(l.address());
                var a = Arena.ofConfined()) {
            var out = a.allocate(n);
            for (int i = 0; i < n; i++) out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            c.writeFully(out, n);
            var in = a.allocate(n);
            long got = 0;
            for (long r; got < n && (r = c.read(in.asSlice(got), n - got)) > 0; ) got += r;
            assertEquals(n, got, t.id());
            assertEquals(-1, MemorySegment.mismatch(in, 0, n, out, 0, n), t.id() + ": bytes came back altered");
            assertEquals(0, c.read(in, 1), t.id() + ": end of stream after the answer");
        }
        server.get(30, TimeUnit.SECONDS);
    }

    private static void restore(String old) {
        if (old == null) System.clearProperty(SharedMemoryRing.DIR_PROPERTY);
        else System.setProperty(SharedMemoryRing.DIR_PROPERTY, old);
    }
}

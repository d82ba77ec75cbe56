package lab.loopback.zerocopy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.measure.TransferCorruptedException;
import lab.loopback.sys.Libc;
import lab.loopback.uring.IoUringSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every technique moves a real file over loopback to a receiver process, which verifies each byte. */
class FileSendersTest {
    @TempDir
    static Path dir;

    static StreamRunner runner;
    // not a multiple of the chunk nor of a page: the last piece is short
    static final long SIZE = (3L << 20) + 12_345;

    @BeforeAll
    static void start() {
        runner = StreamRunner.start(Transports.byId("tcp-lo"), "0", 300);
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    /** One byte of the file changed on disk after it was written: every sender carries it, the receiver names it. */
    @Test
    void everySenderOfAFileWithAChangedByteIsRefused() throws IOException {
        boolean uring = IoUringSupport.check().available();
        long at = 1_000_003;
        try (PatternFile f = PatternFile.create(dir, SIZE)) {
            try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x40));
                ch.write(b.rewind(), at);
            }
            for (FileSender s : FileSenders.all()) {
                if (FileSenders.usesIoUring(s.id()) && !uring) continue;
                StreamTrial t = FileTransfer.run(runner, f, s, 65536, 60, "corrupt", 0, new KernelNotices());
                var e = assertThrows(TransferCorruptedException.class, () -> StreamRunner.verified(t), s.id());
                assertTrue(e.getMessage().startsWith("byte " + at + " of a " + s.id()), s.id() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void everySenderMovesTheWholeFileIntact() {
        boolean uring = IoUringSupport.check().available();
        try (PatternFile f = PatternFile.create(dir, SIZE)) {
            for (FileSender s : FileSenders.all()) {
                if (FileSenders.usesIoUring(s.id()) && !uring) continue;
                KernelNotices n = new KernelNotices();
                StreamTrial t = FileTransfer.run(runner, f, s, 65536, 60, "test", 0, n);
                assertTrue(t.verified(), s.id() + ": " + t);
                assertEquals(SIZE, t.bytesReceived(), s.id());
                assertTrue(t.writes() >= SIZE / 65536, s.id() + " counted " + t.writes() + " calls");
                if (s.id().equals(FileSenders.MSG_ZEROCOPY) || s.id().equals(FileSenders.URING_SEND_ZC)) {
                    assertTrue(
                            n.complete(),
                            s.id() + ": every zero-copy send gets the kernel's notice: " + n.reported() + "/"
                                    + n.sends());
                } else {
                    assertEquals(0, n.sends(), s.id());
                }
            }
        }
        assertEquals(0, countPatternFiles(), "the pattern file is removed");
    }

    @Test
    void pageCacheStateIsSetAndReadBack() {
        try (PatternFile f = PatternFile.create(dir, 1 << 20)) {
            assertEquals(1.0, f.warm(), 1e-9);
            double after = f.dropFromPageCache();
            if (f.canBeCold()) assertTrue(after < 0.5, "resident after POSIX_FADV_DONTNEED: " + after);
        }
    }

    @Test
    void badInputIsRefusedWithItsValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> PatternFile.create(dir, 0));
        assertTrue(e.getMessage().contains("0 B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PatternFile.create(dir, Long.MAX_VALUE / 2));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PatternFile.openForReading(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FileSenders.byId("carrier-pigeon"));
        assertTrue(e.getMessage().contains("sendfile"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("missing")));
        assertEquals(0, countPatternFiles(), "a refused size leaves no file behind");
    }

    @Test
    void anUnreadableFileIsNamedWithItsErrno() throws Exception {
        Path p = Files.writeString(dir.resolve("secret"), "x");
        Files.setPosixFilePermissions(p, Set.of());
        // root reads it anyway: say so as a skipped test rather than pass without asserting anything
        org.junit.jupiter.api.Assumptions.assumeFalse(Libc.geteuid() == 0, "root may read a file whose mode is 000");
        var e = assertThrows(IllegalArgumentException.class, () -> PatternFile.openForReading(p));
        assertTrue(e.getMessage().contains("EACCES"), e.getMessage());
    }

    static long countPatternFiles() {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pattern"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

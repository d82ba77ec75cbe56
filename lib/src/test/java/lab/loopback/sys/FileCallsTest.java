package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sendfile(2) at an offset: the bytes from there, the offset advanced, the file position left alone. */
class FileCallsTest {
    @Test
    void sendfileAtAnOffsetSendsFromThereAndAdvancesIt(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "abcdefgh");
        int fd = Libc.open(f.toString(), 0 /* O_RDONLY */, 0);
        int[] pipe = FileCalls.pipe2(0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment off = a.allocate(JAVA_LONG);
            off.set(JAVA_LONG, 0, 2L);
            assertEquals(3, FileCalls.sysSendfileAt(pipe[1], fd, off, 3));
            assertEquals(5L, off.get(JAVA_LONG, 0), "the kernel advanced the offset");
            off.set(JAVA_LONG, 0, 2L); // again from the same place: a file sent over and over
            assertEquals(3, FileCalls.sysSendfileAt(pipe[1], fd, off, 3));
            assertEquals("cdecde", drain(pipe[0], a));
            assertEquals(3, FileCalls.sysSendfile(pipe[1], fd, 3), "the file position was never moved");
            assertEquals("abc", drain(pipe[0], a));
        } finally {
            Libc.close(fd);
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    /** What the pipe holds now, as ASCII. */
    private static String drain(int fd, Arena a) {
        MemorySegment buf = a.allocate(64);
        long n = Libc.read(fd, buf, 64);
        return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}

package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.sys.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GNU time around a command: what it wrote is read from its last line, and the command runs as it would alone. */
class GnuTimeTest {
    @Test
    void theLastLinesFieldsAreRead(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("t");
        Files.writeString(f, "108\n");
        assertEquals(List.of("108"), GnuTime.fields(f));
        Files.writeString(f, "Command exited with non-zero status 1\n0.41 0.52\n\n");
        assertEquals(List.of("0.41", "0.52"), GnuTime.fields(f), "a failed command's status line comes first");
        Files.writeString(f, "");
        assertEquals(List.of(), GnuTime.fields(f));
        assertEquals(List.of(), GnuTime.fields(tmp.resolve("absent")));
    }

    @Test
    void wrapsACommandAndCountsIt(@TempDir Path tmp) {
        assumeTrue(GnuTime.available(), "GNU time not installed");
        Path out = tmp.resolve("rusage");
        Command c = Command.run(GnuTime.around(out, "%w %U %S", List.of("sh", "-c", "echo hello; sleep 0.05")), 10_000);
        assertTrue(c.ok(), c.stderr());
        assertEquals("hello", c.stdout().strip(), "the command's own output is left alone");
        List<String> f = GnuTime.fields(out);
        assertEquals(3, f.size(), f.toString());
        assertTrue(Long.parseLong(f.get(0)) >= 1, "sleeping is a voluntary switch: " + f);
    }
}

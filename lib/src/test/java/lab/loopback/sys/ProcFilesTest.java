package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
    @Test
    void aNumericSysctlIsReadWhole() throws IOException {
        // three numbers in one file of size 0 that answers only a read at offset 0
        Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
        String[] fields = ProcFiles.read(wmem).trim().split("\\s+");
        assertEquals(3, fields.length, ProcFiles.read(wmem));
        for (String f : fields) assertTrue(Long.parseLong(f) > 0, f);
        assertEquals(
                Files.readAllLines(wmem).getFirst().trim(), ProcFiles.read(wmem).trim());
    }

    @Test
    void aLongerFileIsReadOnFromItsOffsets(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path big = dir.resolve("big");
        String text = "x".repeat(200_000) + "\nend\n";
        Files.writeString(big, text);
        assertEquals(text, ProcFiles.read(big));
        Files.writeString(big, "");
        assertEquals("", ProcFiles.read(big));
    }
}

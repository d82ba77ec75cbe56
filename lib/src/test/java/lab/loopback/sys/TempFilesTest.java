package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A temporary file names the process that made it, so a killed run's can be told from a live run's. */
class TempFilesTest {
    @Test
    void aFileNamesItsMakerAndItsPurpose(@TempDir Path dir) throws Exception {
        Path f = TempFiles.file(dir, "cmd", ".out");
        String name = f.getFileName().toString();
        assertTrue(Files.isRegularFile(f));
        assertTrue(name.startsWith("llab-tmp-" + ProcessHandle.current().pid() + "-"), name);
        assertTrue(name.contains("-cmd-") && name.endsWith(".out"), name);
        assertEquals(ProcessHandle.current().pid(), TempFiles.maker(name));
        assertEquals(-1, TempFiles.maker("loopback-lab-10107779607603820636.nft"), "an old random name is no one's");
        assertEquals(-1, TempFiles.maker("llab-tmp-x-1-cmd-2.out"));
        var e = assertThrows(IllegalArgumentException.class, () -> TempFiles.file(dir, "a/b", ".x"));
        assertTrue(e.getMessage().contains("a/b"), e.getMessage());
    }

    @Test
    void onlyFilesOfGoneMakersAreRemoved(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path dead = Files.writeString(dir.resolve("llab-tmp-" + p.pid() + "-1-nft-7.nft"), "x");
        Path live = TempFiles.file(dir, "nft", ".nft");
        assertEquals(java.util.List.of(dead), TempFiles.removeOrphans(dir));
        assertTrue(Files.exists(live));
    }
}

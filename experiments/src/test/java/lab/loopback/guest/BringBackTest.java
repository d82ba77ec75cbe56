package lab.loopback.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.result.RunStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's disk as the guest leaves it (a tar of /out, then zeros) read back into OUT/.staged. */
class BringBackTest {
    @TempDir
    Path tmp;

    private Path disk(List<String[]> files, String symlink) throws IOException {
        Path disk = tmp.resolve("results.img");
        try (OutputStream o = Files.newOutputStream(disk);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
            for (String[] f : files) {
                byte[] b = f[1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f[0]);
                e.setSize(b.length);
                tar.putArchiveEntry(e);
                tar.write(b);
                tar.closeArchiveEntry();
            }
            if (symlink != null) {
                TarArchiveEntry l = new TarArchiveEntry(symlink, TarArchiveEntry.LF_SYMLINK);
                l.setLinkName("20261202-120000-quick");
                tar.putArchiveEntry(l);
                tar.closeArchiveEntry();
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64 << 20); // the rest of the disk: zeros
        }
        return disk;
    }

    @Test
    void theGuestsRunComesBackWholeWithItsConsoleAndWithoutItsLatestLink() throws IOException {
        Path console = Files.writeString(tmp.resolve("console.log"), "lab-guest: booted 6.1.0-57-cloud-amd64\n");
        Path out = tmp.resolve("results");
        Path run = GuestRun.bringBack(
                disk(
                        List.of(
                                new String[] {"./20261202-120000-quick/verdicts.json", "[]"},
                                new String[] {"./20261202-120000-quick/io-uring-probe/opcodes.csv", "op\n"},
                                new String[] {"./exit-status", "0\n"}),
                        "./latest"),
                out,
                console);
        assertEquals(out.resolve(RunStore.STAGED).resolve("20261202-120000-quick"), run);
        assertEquals("op\n", Files.readString(run.resolve("io-uring-probe/opcodes.csv")));
        assertTrue(Files.readString(run.resolve("guest-console.log")).startsWith("lab-guest: booted"));
        try (Stream<Path> s = Files.list(out.resolve(RunStore.STAGED))) {
            assertEquals(List.of(run), s.toList(), "the unpacked tar is gone, the run is all that is staged");
        }
        // a second run of the same second gets a suffix, never replaces the first
        Path again = GuestRun.bringBack(tmp.resolve("results.img"), out, console);
        assertEquals(out.resolve(RunStore.STAGED).resolve("20261202-120000-quick-2"), again);
    }

    @Test
    void aDiskWithoutOneFinishedRunOrWithAPathOutsideIsRefusedAndNothingIsLeft() throws IOException {
        Path console = Files.writeString(tmp.resolve("console.log"), "");
        Path out = tmp.resolve("results");
        var none = assertThrows(
                IllegalStateException.class,
                () -> GuestRun.bringBack(disk(List.of(new String[][] {{"./exit-status", "1\n"}}), null), out, console));
        assertEquals("the guest's disk holds 0 finished runs, not one", none.getMessage());
        var outside = assertThrows(
                UncheckedIOException.class,
                () -> GuestRun.bringBack(disk(List.of(new String[][] {{"../../evil", "x"}}), null), out, console));
        assertTrue(outside.getMessage().contains("outside its run: ../../evil"), outside.getMessage());
        assertFalse(Files.exists(tmp.resolve("evil")));
        try (Stream<Path> s = Files.list(out.resolve(RunStore.STAGED))) {
            assertEquals(0, s.count(), "nothing half-unpacked is left");
        }
    }
}

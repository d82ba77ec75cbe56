package lab.loopback.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh 0700 directory under the temp dir for rendezvous sockets and FIFOs: nobody else can connect to what
 * lies in it, and {@link #close} removes it with everything the workbench put there.
 */
final class PrivateDir implements AutoCloseable {
    private final Path dir;

    private PrivateDir(Path dir) {
        this.dir = dir;
    }

    static PrivateDir create(String purpose) {
        try {
            return new PrivateDir(Files.createTempDirectory(
                    "llab-" + purpose + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a private directory for " + purpose + " under "
                            + System.getProperty("java.io.tmpdir"),
                    e);
        }
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}

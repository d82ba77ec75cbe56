package lab.loopback.sys;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workbench's temporary files, named {@code llab-tmp-PID-N-PURPOSE-…} after the process that made them. A run
 * deletes its own when done; a run killed with -9 cannot, so the next run removes those whose maker is gone
 * ({@link #removeOrphans}), as it does a killed run's namespaces and ring files ({@link Owner}). Before, every killed
 * run (one per CI run: the restricted-host test kills one on purpose) left its children's stderr files, its command
 * outputs and its nftables rule files in /tmp for good.
 */
public final class TempFiles {
    static final String PREFIX = "llab-tmp-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,10})-\\d+-.*");
    private static final AtomicLong SEQ = new AtomicLong();

    private TempFiles() {}

    /** A new empty file in the JVM's temporary directory, e.g. {@code file("cmd", ".out")}. */
    public static Path file(String purpose, String suffix) throws IOException {
        return file(Path.of(System.getProperty("java.io.tmpdir")), purpose, suffix);
    }

    /** A new empty file in {@code dir}, named after this process. */
    public static Path file(Path dir, String purpose, String suffix) throws IOException {
        if (!purpose.matches("[a-z0-9]+"))
            throw new IllegalArgumentException("purpose '" + purpose + "': lower-case letters and digits only");
        return Files.createTempFile(
                dir,
                PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + "-" + purpose + "-",
                suffix);
    }

    /** The PID that made the file called {@code name}, or -1 when the name is not one of these. */
    static long maker(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes, in the JVM's temporary directory, the temporary files whose maker is gone; returns them. */
    public static List<Path> removeOrphans() {
        return removeOrphans(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static List<Path> removeOrphans(Path dir) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : s) {
                long pid = maker(p.getFileName().toString());
                if (pid <= 0 || !Owner.gone(pid) || !Files.isRegularFile(p)) continue;
                try {
                    if (Files.deleteIfExists(p)) removed.add(p);
                } catch (IOException notOurs) {
                    // another user's leftover: theirs to remove
                }
            }
        } catch (IOException | SecurityException e) {
            // not ours to list (another user's /tmp view): nothing to remove
        }
        return removed;
    }
}

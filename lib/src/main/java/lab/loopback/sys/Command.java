package lab.loopback.sys;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs an external program with a time limit and collects its output; a missing program is a result, not a crash. */
public record Command(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut) {

    public static final int NOT_FOUND = 127;

    public static Command run(long timeoutMillis, String... argv) {
        return run(List.of(argv), timeoutMillis);
    }

    public static Command run(List<String> argv, long timeoutMillis) {
        return run(argv, timeoutMillis, p -> {});
    }

    /**
     * As {@link #run(List, long)}, handing the started process to {@code whileRunning} on this thread first (to watch
     * it from outside while it runs); the time limit counts from its start.
     */
    public static Command run(List<String> argv, long timeoutMillis, Consumer<Process> whileRunning) {
        Path out = null, err = null;
        try {
            out = TempFiles.file("cmd", ".out");
            err = TempFiles.file("cmd", ".err");
            Process p = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            long started = System.nanoTime();
            try {
                whileRunning.accept(p);
            } catch (RuntimeException e) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw e;
            }
            long left = timeoutMillis - (System.nanoTime() - started) / 1_000_000;
            boolean done = p.waitFor(Math.max(0, left), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return new Command(
                    argv,
                    done ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    !done);
        } catch (IOException e) {
            return new Command(argv, NOT_FOUND, "", e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Command(argv, -1, "", "interrupted", true);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temp file
        }
    }

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** The absolute path of {@code program} on PATH, or null. */
    public static Path which(String program) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** First line of the program's output, as its version, or null when absent. */
    public static String firstLine(String text) {
        return text.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse(null);
    }
}

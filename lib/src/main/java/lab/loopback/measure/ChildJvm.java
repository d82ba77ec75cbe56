package lab.loopback.measure;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.TempFiles;

/**
 * A peer in its own JVM, spoken to by lines on stdin/stdout. The classpath is where this library's classes
 * were loaded from (a jar or target/classes), so it works the same from Maven, the CLI and a notebook
 * kernel whose own classpath is something else. stderr goes to a file that failures quote.
 */
public final class ChildJvm implements AutoCloseable {
    /**
     * The environment variable by which every wait for a child's line is multiplied: a whole number from 1 to
     * {@value #MAX_WAIT_SCALE}; unset, 1. An emulated guest's /init sets it: there a JVM starts tens of times slower
     * than on its host, and the waits below are sized for a host.
     */
    public static final String WAIT_SCALE_ENV = "LAB_WAIT_SCALE";

    static final int MAX_WAIT_SCALE = 100;
    private static final String END = "\u0000end";
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("child-stdout-" + process.pid()).start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (IOException ignored) {
                // the process ended; END below tells the reader
            }
            lines.add(END);
        });
    }

    public static ChildJvm start(Class<?> main, List<String> args) {
        return start(main, args, List.of());
    }

    /**
     * As {@link #start(Class, List)}, behind {@code prefix} (e.g. {@code ip netns exec NAME}, which execs the
     * JVM in place, so {@link #pid} is still the JVM's).
     */
    public static ChildJvm start(Class<?> main, List<String> args, List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(command(main, args));
        try {
            Path err = TempFiles.file("child", ".stderr");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            return new ChildJvm(p, err);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start child JVM " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
    }

    /** The one JVM option Agrona 2.x needs; every JVM of the workbench gets it (lab, kernelspec, tests, children). */
    public static final String AGRONA_OPENS = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    /**
     * The command line that runs {@code main} in a fresh JVM; its classpath holds the code source of
     * {@code main} and of this library (they differ when main lives in the experiments jar).
     */
    public static List<String> command(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add(AGRONA_OPENS); // Agrona 2.x (the shared-memory ring) reaches jdk.internal.misc.Unsafe
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-cp");
        cmd.add(classpathFor(main));
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * The code sources of {@code main} and of this library, then the jars a child may need (gRPC, HdrHistogram):
     * in the project's notebook kernel the notebook class path it was given (RJK_CLASSPATH, ';'-separated; the
     * kernel's own jars are of no use to a child), elsewhere this process's class path; then, in a notebook kernel
     * whose class path is the kernel's, the project's dependency folder under LAB_HOME.
     */
    static String classpathFor(Class<?> main) {
        LinkedHashSet<String> parts = new LinkedHashSet<>();
        parts.add(classpathOf(main));
        parts.add(classpathOf(ChildJvm.class));
        String notebookClasspath = System.getenv("RJK_CLASSPATH");
        String own = notebookClasspath != null && !notebookClasspath.isBlank()
                ? notebookClasspath.replace(';', File.pathSeparatorChar)
                : System.getProperty("java.class.path", "");
        for (String e : own.split(File.pathSeparator)) if (!e.isBlank()) parts.add(e);
        String home = System.getenv("LAB_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "experiments", "target", "lib"))) {
            parts.add(Path.of(home, "experiments", "target", "lib").resolve("*").toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String classpathOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException | NullPointerException e) {
            return System.getProperty("java.class.path");
        }
    }

    public void send(String line) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException("child " + process.pid() + " no longer reads its input" + stderrTail(), e);
        }
    }

    /**
     * The factor {@code value} of {@link #WAIT_SCALE_ENV} asks for: 1 when unset or blank; anything but a whole number
     * from 1 to {@value #MAX_WAIT_SCALE} is refused, naming the value ({@code lab run} asks before it measures).
     */
    public static int waitScale(String value) {
        if (value == null || value.isBlank()) return 1;
        try {
            int scale = Integer.parseInt(value.strip());
            if (scale >= 1 && scale <= MAX_WAIT_SCALE) return scale;
        } catch (NumberFormatException ignored) {
            // refused below, with the value
        }
        throw new IllegalArgumentException(WAIT_SCALE_ENV + "=" + value + " is not allowed: a whole number from 1 to "
                + MAX_WAIT_SCALE + " multiplies the waits for a child JVM's lines (unset: 1)");
    }

    /** The next line the child prints, waiting at most {@code timeoutMillis} (times {@link #WAIT_SCALE_ENV}). */
    public String expectLine(String prefix, long timeoutMillis) {
        return expectLine(prefix, timeoutMillis, waitScale(System.getenv(WAIT_SCALE_ENV)));
    }

    /** As {@link #expectLine(String, long)}, the wait multiplied by {@code scale}. */
    String expectLine(String prefix, long timeoutMillis, int scale) {
        long waited = timeoutMillis * scale;
        try {
            String l = lines.poll(waited, TimeUnit.MILLISECONDS);
            if (l == null)
                throw new IllegalStateException("child " + process.pid() + " printed nothing in " + waited + " ms"
                        + (scale == 1 ? "" : " (" + timeoutMillis + " ms × " + WAIT_SCALE_ENV + " " + scale + ")")
                        + stderrTail());
            if (l.equals(END))
                throw new IllegalStateException(
                        "child " + process.pid() + " ended (exit " + exitCodeSoon() + ")" + stderrTail());
            if (!l.startsWith(prefix))
                throw new IllegalStateException("child printed '" + l + "', expected '" + prefix + "…'");
            return l.substring(prefix.length()).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the child", e);
        }
    }

    /** The next line, which must be a {@code type} message ({@link ChildLine}), waiting at most {@code timeoutMillis}. */
    public <R extends Record> R expect(Class<R> type, long timeoutMillis) {
        String key = ChildLine.keyword(type);
        String rest = expectLine(key, timeoutMillis);
        return ChildLine.parse(rest.isEmpty() ? key : key + " " + rest, type);
    }

    public long pid() {
        return process.pid();
    }

    private String exitCodeSoon() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private String stderrTail() {
        try {
            String s = Files.readString(stderr).strip();
            if (s.isEmpty()) return "";
            return "; its stderr: " + (s.length() > 2000 ? s.substring(s.length() - 2000) : s);
        } catch (IOException e) {
            return "";
        }
    }

    /** Closes stdin (the child's cue to exit), waits briefly, then kills; always removes the stderr file. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // a temp file; the OS cleans /tmp
            }
        }
    }
}

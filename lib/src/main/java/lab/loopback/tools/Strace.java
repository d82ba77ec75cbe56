package lab.loopback.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.Command;
import lab.loopback.sys.TempFiles;

/**
 * {@code strace -c -f -p PID}: attaches to a running process (all its threads) while an action runs, then
 * detaches and returns the per-call counts strace printed. Needs strace installed and the right to ptrace
 * the process (root, or same uid with kernel.yama.ptrace_scope 0); otherwise says why.
 */
public final class Strace {
    /** Calls by name, or {@code unavailable} saying why there are none. */
    public record Summary(Map<String, Long> calls, String unavailable) {
        public long total() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        public long of(String... names) {
            long n = 0;
            for (String s : names) n += calls.getOrDefault(s, 0L);
            return n;
        }
    }

    private Strace() {}

    public static Summary during(long pid, Runnable action) {
        if (Command.which("strace") == null) {
            action.run();
            return new Summary(Map.of(), "strace is not installed (Debian package strace)");
        }
        Path out = null;
        Process p = null;
        try {
            out = TempFiles.file("strace", ".txt");
            p = new ProcessBuilder("strace", "-c", "-f", "-o", out.toString(), "-p", Long.toString(pid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            CountDownLatch attached = new CountDownLatch(1);
            StringBuilder err = new StringBuilder();
            Process proc = p;
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(proc.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        synchronized (err) {
                            err.append(l).append('\n');
                        }
                        if (l.contains("attached")) attached.countDown();
                    }
                } catch (IOException ignored) {
                    // strace ended
                }
            });
            if (!attached.await(10, TimeUnit.SECONDS) || !p.isAlive()) {
                p.destroyForcibly();
                action.run();
                synchronized (err) {
                    return new Summary(
                            Map.of(),
                            "strace could not attach to process " + pid + ": "
                                    + err.toString().trim());
                }
            }
            Thread.sleep(300); // the other threads' "attached" lines follow the first
            action.run();
            p.destroy(); // SIGTERM: strace detaches and writes its summary
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
            return new Summary(parse(Files.readString(out)), null);
        } catch (IOException e) {
            return new Summary(Map.of(), "strace failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Summary(Map.of(), "interrupted while strace ran");
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** strace -c's table: "% time seconds usecs/call calls [errors] syscall" rows; the total row is left out. */
    static Map<String, Long> parse(String text) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : text.split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 5 || !t[0].matches("[\\d.]+") || t[t.length - 1].equals("total")) continue;
            try {
                calls.merge(t[t.length - 1], Long.parseLong(t[3]), Long::sum);
            } catch (NumberFormatException ignored) {
                // not a row of the table
            }
        }
        return calls;
    }
}

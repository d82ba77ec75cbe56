package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.Command;
import lab.loopback.sys.CpuAffinity;

/** What the reference tools' one-off servers share: a bounded lifetime, waiting until they listen, short error texts. */
final class ToolServer {
    private ToolServer() {}

    /**
     * {@code argv} under coreutils' {@code timeout}: the server ends on its own after {@code seconds} (KILL 5 s after
     * TERM) even when the JVM that started it is killed before it can stop it — sockperf's server has no one-shot mode,
     * and iperf3's {@code -1} waits forever for a client that never comes. A leaked sockperf server of a killed
     * notebook kernel was found running an hour later. Without {@code timeout} on PATH, {@code argv} as it is.
     */
    static List<String> bounded(long seconds, List<String> argv) {
        if (seconds <= 0)
            throw new IllegalArgumentException("a server's lifetime of " + seconds + " s must be positive");
        if (Command.which("timeout") == null) return argv;
        List<String> out = new ArrayList<>(List.of("timeout", "--kill-after=5", seconds + "s"));
        out.addAll(argv);
        return out;
    }

    /** Waits for {@code port}'s LISTEN socket in /proc/net/tcp (a probe connection would use up a one-shot server). */
    static void awaitListening(String tool, Process server, int port, Path log) throws IOException {
        String needle = String.format(":%04X 00000000:0000 0A", port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.readString(Path.of("/proc/net/tcp")).contains(needle)) return;
            if (!server.isAlive())
                throw new IllegalStateException(tool + " server exited at once: " + abbreviate(Files.readString(log)));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(tool + " server did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 600 ? t.substring(0, 600) + "…" : t;
    }

    /** {@code argv} behind {@code taskset -c cpu}, or as it is for -1; an error when taskset is needed and missing. */
    static List<String> pinned(int cpu, List<String> argv) {
        List<String> out = new ArrayList<>(CpuAffinity.taskset(cpu));
        out.addAll(argv);
        return out;
    }
}

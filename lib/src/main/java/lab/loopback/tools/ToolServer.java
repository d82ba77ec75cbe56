package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the reference tools' one-off servers share: waiting until they listen, and short error texts. */
final class ToolServer {
    private ToolServer() {}

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
}

package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.sys.Command;
import lab.loopback.sys.TempFiles;

/**
 * sockperf as the reference for TCP request/response latency on 127.0.0.1: a server bound to loopback for one
 * client run of {@code sockperf ping-pong --tcp --full-rtt} (round trips, not sockperf's default half-RTT), the
 * percentiles it printed parsed. The reference the Java ping-pong runner is compared with in the same run.
 */
public final class Sockperf {
    private static final Pattern PERCENTILE = Pattern.compile("percentile\\s+([0-9.]+)\\s*=\\s*([0-9.]+)");
    private static final Pattern VERSION = Pattern.compile("version #(\\S+)");

    /** Round-trip percentiles in µs, as sockperf measured them. */
    public record Result(int size, double p50Micros, double p99Micros, double p999Micros, String version) {}

    private Sockperf() {}

    public static boolean installed() {
        return Command.which("sockperf") != null;
    }

    /** The message sizes sockperf's ping-pong accepts (-m): its header needs 14 B. */
    public static final int MIN_MESSAGE = 14, MAX_MESSAGE = 65000;

    /** Round trips with both processes wherever the scheduler puts them. */
    public static Result pingPong(int size, int seconds, int port) {
        return pingPong(size, seconds, port, -1, -1);
    }

    /**
     * Round trips with the server pinned to {@code serverCpu} and the client to {@code clientCpu} ({@code taskset -c};
     * -1 leaves that process to the scheduler), so the reference runs in the same placement as the harness it is set
     * beside.
     */
    public static Result pingPong(int size, int seconds, int port, int serverCpu, int clientCpu) {
        if (size < MIN_MESSAGE || size > MAX_MESSAGE)
            throw new IllegalArgumentException(
                    "sockperf message size " + size + " is outside " + MIN_MESSAGE + ".." + MAX_MESSAGE + " B");
        if (seconds <= 0 || seconds > 600)
            throw new IllegalArgumentException("sockperf duration " + seconds + " s is outside 1..600");
        Process server = null;
        Path log = null;
        try {
            log = TempFiles.file("sockperf", ".log");
            server = new ProcessBuilder(ToolServer.bounded(
                            seconds + 60L,
                            ToolServer.pinned(
                                    serverCpu,
                                    List.of(
                                            "sockperf",
                                            "server",
                                            "--tcp",
                                            "-i",
                                            "127.0.0.1",
                                            "-p",
                                            Integer.toString(port)))))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ToolServer.awaitListening("sockperf", server, port, log);
            Command c = Command.run(
                    ToolServer.pinned(
                            clientCpu,
                            List.of(
                                    "sockperf",
                                    "ping-pong",
                                    "--tcp",
                                    "--full-rtt",
                                    "-i",
                                    "127.0.0.1",
                                    "-p",
                                    Integer.toString(port),
                                    "-m",
                                    Integer.toString(size),
                                    "-t",
                                    Integer.toString(seconds))),
                    (seconds + 30) * 1000L);
            if (!c.ok())
                throw new IllegalStateException("sockperf client failed (exit " + c.exitCode() + "): "
                        + ToolServer.abbreviate(c.stdout() + c.stderr()));
            return parse(c.stdout() + "\n" + c.stderr(), size);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start sockperf: " + e.getMessage(), e);
        } finally {
            if (server != null) {
                server.destroy(); // the server serves until told to stop
                try {
                    if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly();
                } catch (InterruptedException e) {
                    server.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            if (log != null) log.toFile().delete();
        }
    }

    static Result parse(String out, int size) {
        double p50 = Double.NaN, p99 = Double.NaN, p999 = Double.NaN;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double pct = Double.parseDouble(m.group(1)), v = Double.parseDouble(m.group(2));
            if (pct == 50.0) p50 = v;
            else if (pct == 99.0) p99 = v;
            else if (pct == 99.9) p999 = v;
        }
        if (Double.isNaN(p50))
            throw new IllegalStateException("sockperf printed no 50th percentile: " + ToolServer.abbreviate(out));
        Matcher v = VERSION.matcher(out);
        return new Result(size, p50, p99, p999, v.find() ? v.group(1) : "unknown");
    }
}

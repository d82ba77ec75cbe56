package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.loopback.sys.Command;
import lab.loopback.sys.TaskRuntime;
import lab.loopback.sys.TempFiles;

/**
 * sockperf as the reference for TCP request/response latency on 127.0.0.1: a server bound to loopback for one
 * client run of {@code sockperf ping-pong --tcp --full-rtt} (round trips, not sockperf's default half-RTT), the
 * percentiles it printed parsed. The reference the Java ping-pong runner is compared with in the same run.
 */
public final class Sockperf {
    private static final Pattern PERCENTILE = Pattern.compile("percentile\\s+([0-9.]+)\\s*=\\s*([0-9.]+)");
    private static final Pattern VERSION = Pattern.compile("version #(\\S+)");

    private static final Pattern VALID =
            Pattern.compile("\\[Valid Duration\\] RunTime=([0-9.]+) sec;.*?ReceivedMessages=(\\d+)");

    /**
     * Round-trip percentiles in µs, as sockperf measured them; and the CPU time each of its two processes ran per round
     * trip ({@code /proc/PID/schedstat}, exact) over a window inside its test, divided by the round trips its valid
     * duration's rate gives for that window (sockperf reports no count of its own for a window). NaN when not measured.
     */
    public record Result(
            int size,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            String version,
            double clientCpuMicrosPerRoundTrip,
            double serverCpuMicrosPerRoundTrip) {}

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
            List<String> client = ToolServer.pinned(
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
                            Integer.toString(seconds)));
            Process sockperfServer = server;
            Window[] window = new Window[1];
            Command c = Command.run(
                    client,
                    (seconds + 30) * 1000L,
                    p -> window[0] = serverProcess(sockperfServer)
                            .map(h -> Window.inside(p, h.pid(), seconds))
                            .orElse(null));
            if (!c.ok())
                throw new IllegalStateException("sockperf client failed (exit " + c.exitCode() + "): "
                        + ToolServer.abbreviate(c.stdout() + c.stderr()));
            return parse(c.stdout() + "\n" + c.stderr(), size, window[0]);
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

    /** sockperf's own process under the server's: behind {@code timeout} it is a child (taskset execs in place). */
    private static Optional<ProcessHandle> serverProcess(Process server) {
        return Stream.concat(Stream.of(server.toHandle()), server.descendants())
                .filter(h -> h.info().command().orElse("").endsWith("sockperf"))
                .findFirst();
    }

    /**
     * The CPU time sockperf's client and server ran in a window inside the client's run. The client sleeps 2 s after
     * connecting, then sends for its -t seconds (the first 0.4 s of them its warm-up, at the same pace): the window
     * opens 0.1 s after the server starts answering and lasts {@code seconds} − 0.3, so it closes 0.2 s before the
     * client stops. Null when it could not be read whole, or when the server was no longer answering right after it
     * closed (then the window held idle time, and dividing by round trips would understate the CPU per round trip).
     */
    record Window(long clientNanos, long serverNanos, double seconds) {
        private static final long ANSWERING_NANOS = 2_000_000, POLL_MILLIS = 5, STILL_MILLIS = 20;

        /** How long the window stays open in a run of {@code seconds} (sockperf's -t). */
        static long millis(int seconds) {
            return seconds * 1000L - 300;
        }

        static Window inside(Process client, long serverPid, int seconds) {
            try {
                long idle = TaskRuntime.ofProcess(serverPid),
                        deadline = System.nanoTime() + (seconds + 10) * 1_000_000_000L;
                while (client.isAlive()
                        && System.nanoTime() < deadline
                        && TaskRuntime.ofProcess(serverPid) - idle < ANSWERING_NANOS) Thread.sleep(POLL_MILLIS);
                if (idle < 0 || TaskRuntime.ofProcess(serverPid) - idle < ANSWERING_NANOS)
                    return null; // never answered
                Thread.sleep(100);
                long c0 = TaskRuntime.ofProcess(client.pid()), s0 = TaskRuntime.ofProcess(serverPid);
                long t0 = System.nanoTime();
                Thread.sleep(millis(seconds));
                long c1 = TaskRuntime.ofProcess(client.pid()), s1 = TaskRuntime.ofProcess(serverPid);
                long t1 = System.nanoTime();
                Thread.sleep(STILL_MILLIS);
                long s2 = TaskRuntime.ofProcess(serverPid);
                // answering, the server runs a third of the time or more (half, on one vCPU); idle, not at all: a tenth
                // tells the two apart
                boolean stillAnswering = s2 - s1 > STILL_MILLIS * 1_000_000 / 10;
                return c0 < 0 || s0 < 0 || c1 < 0 || s1 < 0 || !stillAnswering
                        ? null
                        : new Window(c1 - c0, s1 - s0, (t1 - t0) / 1e9);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    static Result parse(String out, int size) {
        return parse(out, size, null);
    }

    /** The percentiles sockperf printed, and its peers' CPU in {@code window} (null: not measured) per round trip. */
    static Result parse(String out, int size, Window window) {
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
        Matcher valid = VALID.matcher(out);
        double roundTripsInWindow = window != null && valid.find() && Double.parseDouble(valid.group(1)) > 0
                ? Long.parseLong(valid.group(2)) / Double.parseDouble(valid.group(1)) * window.seconds()
                : 0;
        return new Result(
                size,
                p50,
                p99,
                p999,
                v.find() ? v.group(1) : "unknown",
                perRoundTrip(window == null ? -1 : window.clientNanos(), roundTripsInWindow),
                perRoundTrip(window == null ? -1 : window.serverNanos(), roundTripsInWindow));
    }

    private static double perRoundTrip(long cpuNanos, double roundTrips) {
        return cpuNanos >= 0 && roundTrips > 0 ? cpuNanos / 1e3 / roundTrips : Double.NaN;
    }
}

package lab.loopback.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.Command;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.TempFiles;

/**
 * iperf3 as the reference for one-way TCP throughput on 127.0.0.1: a one-off server bound to loopback
 * and a client with the same write size ({@code -l}) as the Java harness, its JSON report parsed.
 */
public final class Iperf3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** iperf3's MAX_BLOCKSIZE for TCP: a larger -l is refused with a usage message. */
    public static final int MAX_WRITE = 1 << 20;

    /**
     * One client run as iperf3 reports it (receiver side: what arrived; sender side: what it sent), and the client
     * process's voluntary context switches from start to exit as the kernel counted them for its parent (GNU time's %w,
     * from wait4's rusage; -1 when not measured). iperf3 3.12 writes from its one thread (strace here: blocking write(2)
     * of each block, a pselect6 between every ten or so), so these are its writer's sleeps, in either call; that they
     * wait for room in the send buffer is inferred (nothing else there blocks), not traced. A later, threaded iperf3
     * adds its main thread's.
     */
    public record Result(
            int writeSize,
            double seconds,
            long bytesReceived,
            double bitsPerSecond,
            double hostCpuPercent,
            double remoteCpuPercent,
            String version,
            long bytesSent,
            long clientVoluntarySwitches) {
        public double gbitPerSecond() {
            return bitsPerSecond / 1e9;
        }

        /** Voluntary switches per write size sent (per write or sendfile call when each moved a whole one); NaN unknown. */
        public double clientBlocksPerWrite() {
            return clientVoluntarySwitches < 0 || bytesSent <= 0
                    ? Double.NaN
                    : clientVoluntarySwitches / ((double) bytesSent / writeSize);
        }
    }

    private Iperf3() {}

    public static boolean installed() {
        return Command.which("iperf3") != null;
    }

    /** Whether a run counts its client's voluntary switches: GNU time (Debian package time) is on PATH. */
    public static boolean countsClientSwitches() {
        return GnuTime.available();
    }

    /** A client run with {@code -J}; {@code omitSeconds} leading seconds are excluded as warm-up. */
    public static Result run(int writeSize, int seconds, int omitSeconds, int port) {
        return run(writeSize, seconds, omitSeconds, port, -1, -1, false);
    }

    /**
     * As {@link #run(int, int, int, int)}, the client process pinned to {@code clientCpu} and the server to
     * {@code serverCpu} ({@code taskset -c}, so every thread of each inherits it; -1 leaves that one to the scheduler),
     * and with {@code sendfile} the client's {@code -Z}: it sends with sendfile(2) from a file instead of write(2).
     */
    public static Result run(
            int writeSize, int seconds, int omitSeconds, int port, int clientCpu, int serverCpu, boolean sendfile) {
        if (writeSize <= 0 || writeSize > MAX_WRITE) {
            throw new IllegalArgumentException("iperf3 write size " + writeSize + " is outside 1.." + MAX_WRITE + " B");
        }
        List<String> client = new ArrayList<>(List.of(
                "iperf3",
                "-c",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-t",
                Integer.toString(seconds),
                "-l",
                Integer.toString(writeSize),
                "-J"));
        if (omitSeconds > 0) client.addAll(List.of("-O", Integer.toString(omitSeconds)));
        if (sendfile) client.add("-Z");
        Path switches = null;
        try {
            List<String> argv = ToolServer.pinned(clientCpu, client);
            if (countsClientSwitches()) {
                switches = TempFiles.file("iperf3switches", ".txt");
                argv = GnuTime.around(switches, "%w", argv);
            }
            Command c = withServer(port, argv, seconds + omitSeconds, serverCpu);
            return parse(c.stdout(), writeSize, switches == null ? -1 : voluntarySwitches(switches));
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a temporary file for iperf3's switches: " + e.getMessage(), e);
        } finally {
            if (switches != null) switches.toFile().delete();
        }
    }

    /** The count GNU time wrote with -f %w; -1 none. */
    static long voluntarySwitches(Path file) {
        List<String> f = GnuTime.fields(file);
        try {
            return f.size() == 1 ? Long.parseLong(f.getFirst()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A client run in iperf3's human format (for checking its own units); returns the text it printed. */
    public static String runHuman(int seconds, int port) {
        Command c = withServer(
                port,
                List.of("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", Integer.toString(seconds)),
                seconds,
                -1);
        return c.stdout();
    }

    /**
     * An iperf3 client moving exactly {@code bytes} (-n) to a one-off server on 127.0.0.1, run under {@code wrapper}
     * (say strace or perf stat); returns what the wrapped command printed.
     */
    public static Command runWrapped(List<String> wrapper, long bytes, int port) {
        List<String> argv = new ArrayList<>(wrapper);
        argv.addAll(List.of(
                "iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-n", Long.toString(bytes), "-l", "65536"));
        return withServer(port, argv, 10, -1);
    }

    static Result parse(String json, int writeSize) {
        return parse(json, writeSize, -1);
    }

    static Result parse(String json, int writeSize, long clientVoluntarySwitches) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root.has("error"))
                throw new IllegalStateException(
                        "iperf3 reported: " + root.get("error").asText());
            JsonNode recv = root.path("end").path("sum_received");
            JsonNode cpu = root.path("end").path("cpu_utilization_percent");
            if (recv.isMissingNode()) throw new IllegalStateException("iperf3 JSON has no end.sum_received");
            return new Result(
                    writeSize,
                    recv.path("seconds").asDouble(),
                    recv.path("bytes").asLong(),
                    recv.path("bits_per_second").asDouble(),
                    cpu.path("host_total").asDouble(),
                    cpu.path("remote_total").asDouble(),
                    root.path("start").path("version").asText(),
                    root.path("end").path("sum_sent").path("bytes").asLong(-1),
                    clientVoluntarySwitches);
        } catch (IOException e) {
            throw new IllegalStateException("iperf3 printed no JSON: " + ToolServer.abbreviate(json), e);
        }
    }

    private static Command withServer(int port, List<String> client, int seconds, int serverCpu) {
        Process server = null;
        Path log = null;
        try {
            log = TempFiles.file("iperf3", ".log");
            server = new ProcessBuilder(ToolServer.bounded(
                            seconds + 60L,
                            ToolServer.pinned(
                                    serverCpu,
                                    List.of("iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", Integer.toString(port)))))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ToolServer.awaitListening("iperf3", server, port, log);
            Command c = Command.run(client, (seconds + 30) * 1000L);
            if (!c.ok()) {
                throw new IllegalStateException("iperf3 client failed (exit " + c.exitCode() + "): "
                        + ToolServer.abbreviate(c.stdout() + c.stderr()));
            }
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start iperf3: " + e.getMessage(), e);
        } finally {
            if (server != null) {
                try {
                    if (!server.waitFor(5, TimeUnit.SECONDS))
                        server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    server.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            if (log != null) log.toFile().delete();
        }
    }

    /** A port on 127.0.0.1 that nothing listens on now (the kernel picks it). */
    public static int freeLoopbackPort() {
        try (TcpSocket s = TcpSocket.listen(SockAddrIn.loopback(0), 1)) {
            return s.localAddress().port();
        }
    }
}

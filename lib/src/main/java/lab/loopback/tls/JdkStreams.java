package lab.loopback.tls;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import lab.loopback.measure.KnownPattern;
import lab.loopback.measure.Placement;
import lab.loopback.measure.ThreadCpu;
import lab.loopback.sys.Libc;
import org.HdrHistogram.Histogram;

/**
 * The same two transfers over JDK sockets on 127.0.0.1, in clear and in TLS 1.3 (JSSE, the
 * {@link ThrowawayKey}): a one-way verified stream and a closed-loop ping-pong. Both sides are threads of this
 * JVM using java.net sockets either way, so TLS is the only difference between the two rows. Bounded by bytes,
 * round trips and time; the listener binds the loopback address only.
 */
public final class JdkStreams {
    static final long HIGHEST_NANOS = 10_000_000_000L;
    static final int SO_TIMEOUT_MILLIS = 30_000;

    /** One stream: bytes the receiver verified, elapsed time, the sender's CPU, and what TLS negotiated ("none" in clear). */
    public record Stream(
            String security,
            int writeSize,
            long bytes,
            double seconds,
            double gbitPerSecond,
            double senderCpuNsPerByte,
            String protocol,
            String cipherSuite) {}

    /** One ping-pong run: round-trip percentiles in µs, in one placement of the two threads ({@link Placement#id()}). */
    public record PingPong(
            String security,
            String placement,
            int size,
            long roundTrips,
            double p50Micros,
            double p99Micros,
            double maxMicros,
            String protocol) {}

    private JdkStreams() {}

    /** Sends at most {@code maxBytes} in writes of {@code writeSize} for at most {@code seconds}; {@code key} null means in clear. */
    @SuppressWarnings(
            "try") // the socket is closed inside its try on purpose: close_notify and FIN before the receiver's count
    // is awaited
    public static Stream stream(ThrowawayKey key, int writeSize, long maxBytes, double seconds) {
        if (writeSize <= 0 || writeSize > (16 << 20))
            throw new IllegalArgumentException("write size " + writeSize + " is outside 1 B .. 16 MiB");
        try (Arena a = Arena.ofConfined();
                ServerSocket server = listen(key)) {
            KnownPattern pattern = new KnownPattern(a, writeSize);
            byte[] wire = periodic(pattern, writeSize);
            CompletableFuture<long[]> received = CompletableFuture.supplyAsync(() -> receive(server, writeSize));
            try (Socket s = connect(key, server.getLocalPort())) {
                OutputStream out = s.getOutputStream();
                ThreadCpu before = ThreadCpu.now();
                long t0 = System.nanoTime(), deadline = t0 + (long) (seconds * 1e9), sent = 0;
                while (sent < maxBytes && System.nanoTime() < deadline) {
                    int n = (int) Math.min(writeSize, maxBytes - sent);
                    out.write(wire, (int) (sent % KnownPattern.PERIOD), n);
                    sent += n;
                }
                out.flush();
                ThreadCpu cpu = ThreadCpu.now().minus(before);
                String protocol = s instanceof SSLSocket t ? t.getSession().getProtocol() : "none";
                String suite = s instanceof SSLSocket t ? t.getSession().getCipherSuite() : "none";
                s.close(); // TLS: close_notify, then FIN
                long[] r = received.get(Math.max(60, (long) seconds * 4), TimeUnit.SECONDS);
                if (r[0] != sent || r[1] >= 0) {
                    throw new IllegalStateException(
                            (key == null ? "clear" : "TLS") + " stream: sent " + sent + " B, receiver verified " + r[0]
                                    + " B" + (r[1] >= 0 ? ", first wrong byte at " + r[1] : ""));
                }
                double secs = (r[2] - t0) / 1e9;
                return new Stream(
                        key == null ? "clear" : "TLS 1.3",
                        writeSize,
                        sent,
                        secs,
                        sent * 8 / secs / 1e9,
                        (cpu.userNanos() + cpu.sysNanos()) / (double) sent,
                        protocol,
                        suite);
            }
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException((key == null ? "clear" : "TLS") + " stream over 127.0.0.1 failed: " + e, e);
        }
    }

    /** Closed-loop round trips of {@code size} bytes, each verified; {@code key} null means in clear. */
    public static PingPong pingPong(ThrowawayKey key, int size, int warmups, int roundTrips, double seconds) {
        return pingPong(key, size, warmups, roundTrips, seconds, Placement.SCHEDULER, JdkStreams::echo);
    }

    /**
     * As {@link #pingPong(ThrowawayKey, int, int, int, double)}, the client thread and the echoing thread pinned per
     * {@code placement} (their CPU sets restored afterwards).
     */
    public static PingPong pingPong(
            ThrowawayKey key, int size, int warmups, int roundTrips, double seconds, Placement placement) {
        return pingPong(key, size, warmups, roundTrips, seconds, placement, JdkStreams::echo);
    }

    /** The server end of a ping-pong: answers each {@code size}-byte message on the one connection it accepts. */
    interface EchoServer {
        void serve(ServerSocket server, int size);
    }

    /** As {@link #pingPong(ThrowawayKey, int, int, int, double)} against {@code echoServer} (a test's may alter bytes). */
    static PingPong pingPong(
            ThrowawayKey key,
            int size,
            int warmups,
            int roundTrips,
            double seconds,
            Placement placement,
            EchoServer echoServer) {
        if (size <= 0 || size > (1 << 20))
            throw new IllegalArgumentException("message size " + size + " is outside 1 B .. 1 MiB");
        if (roundTrips <= 0) throw new IllegalArgumentException("round-trip count " + roundTrips + " must be positive");
        try (Arena a = Arena.ofConfined();
                ServerSocket server = listen(key)) {
            KnownPattern pattern = new KnownPattern(a, size);
            byte[] wire = periodic(pattern, size);
            // the echoing thread names itself, so both can be placed (and given their sets back) by one Pin
            CompletableFuture<Long> echoTid = new CompletableFuture<>();
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                echoTid.complete((long) Libc.gettid());
                echoServer.serve(server, size);
            });
            Histogram h = new Histogram(HIGHEST_NANOS, 3);
            String protocol;
            try (Placement.Pin _ = placement.pin(echoTid.get(30, TimeUnit.SECONDS))) {
                try (Socket s = connect(key, server.getLocalPort())) {
                    s.setTcpNoDelay(true);
                    protocol = s instanceof SSLSocket t ? t.getSession().getProtocol() : "none";
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] back = new byte[size];
                    long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9), deadline = Long.MAX_VALUE;
                    for (int i = 0; i < warmups + roundTrips; i++) {
                        if (i < warmups && System.nanoTime() > warmEnd) i = warmups;
                        if (i == warmups) deadline = System.nanoTime() + (long) (seconds * 1e9);
                        int off = (int) ((long) i * size % KnownPattern.PERIOD);
                        long start = System.nanoTime();
                        out.write(wire, off, size);
                        out.flush();
                        in.readNBytes(back, 0, size);
                        long rtt = System.nanoTime() - start;
                        if (Arrays.mismatch(back, 0, size, wire, off, off + size) >= 0)
                            throw new IllegalStateException("round trip " + i + " came back altered");
                        if (i >= warmups) h.recordValue(Math.min(rtt, HIGHEST_NANOS));
                        if (i >= warmups && System.nanoTime() > deadline) break;
                    }
                }
                echo.get(60, TimeUnit.SECONDS);
            }
            return new PingPong(
                    key == null ? "clear" : "TLS 1.3",
                    placement.id(),
                    size,
                    h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3,
                    h.getMaxValue() / 1e3,
                    protocol);
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    (key == null ? "clear" : "TLS") + " ping-pong over 127.0.0.1 failed: " + e, e);
        }
    }

    /** Sends {@code message} once over a fresh connection and waits until the peer has read all of it (for a capture). */
    public static void sendOnce(ThrowawayKey key, byte[] message, IntConsumer serverPort) {
        try (ServerSocket server = listen(key)) {
            serverPort.accept(server.getLocalPort());
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket c = server.accept()) {
                    c.setSoTimeout(SO_TIMEOUT_MILLIS);
                    got.complete(c.getInputStream().readNBytes(message.length));
                    // close only after the client has: a TLS close here would wait for the peer's close_notify
                    while (c.getInputStream().read() >= 0) {
                        /* nothing more is sent */
                    }
                } catch (IOException e) {
                    got.completeExceptionally(e);
                }
            });
            try (Socket s = connect(key, server.getLocalPort())) {
                s.getOutputStream().write(message);
                s.getOutputStream().flush();
                if (!Arrays.equals(got.get(60, TimeUnit.SECONDS), message))
                    throw new IllegalStateException("the message arrived altered");
            }
            served.get(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("sending one message over 127.0.0.1 failed: " + e, e);
        }
    }

    static ServerSocket listen(ThrowawayKey key) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        if (key == null) return new ServerSocket(0, 1, lo);
        SSLServerSocket s =
                (SSLServerSocket) key.server().getServerSocketFactory().createServerSocket(0, 1, lo);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        return s;
    }

    static Socket connect(ThrowawayKey key, int port) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        if (key == null) return new Socket(lo, port);
        SSLSocket s = (SSLSocket) key.client().getSocketFactory().createSocket(lo, port);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }

    /** The pattern's period followed by one more write, so any write starting inside the period is one array range. */
    static byte[] periodic(KnownPattern p, int writeSize) {
        byte[] out = new byte[(int) KnownPattern.PERIOD + writeSize];
        for (int off = 0; off < out.length; off += writeSize) {
            int n = Math.min(writeSize, out.length - off);
            MemorySegment.copy(p.slice(off, n), JAVA_BYTE, 0, out, off, n);
        }
        return out;
    }

    /** {bytes verified, first wrong offset or -1, nanoTime at end of stream}. */
    static long[] receive(ServerSocket server, int readSize) {
        try (Socket c = server.accept();
                Arena a = Arena.ofConfined()) {
            c.setSoTimeout(SO_TIMEOUT_MILLIS);
            KnownPattern pattern = new KnownPattern(a, readSize);
            InputStream in = c.getInputStream();
            byte[] buf = new byte[readSize];
            long off = 0, bad = -1;
            int n;
            while ((n = in.read(buf, 0, readSize)) > 0) {
                long m = pattern.check(MemorySegment.ofArray(buf), off, n);
                if (m >= 0 && bad < 0) bad = off + m;
                off += n;
            }
            return new long[] {off, bad, System.nanoTime()};
        } catch (IOException e) {
            throw new IllegalStateException("receiver: " + e, e);
        }
    }

    static void echo(ServerSocket server, int size) {
        try (Socket c = server.accept()) {
            c.setSoTimeout(SO_TIMEOUT_MILLIS);
            c.setTcpNoDelay(true);
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            byte[] buf = new byte[size];
            while (true) {
                int n = in.readNBytes(buf, 0, size);
                if (n < size) return;
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException("echo: " + e, e);
        }
    }
}

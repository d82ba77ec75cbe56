package lab.loopback.echo;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.measure.KnownPattern;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop echo clients (one request in flight, so there is no coordinated omission to correct): each
 * round trip sends {@code size} pattern bytes, waits for all of them back, verifies them, and records the
 * time in an HdrHistogram. Bounded by a round-trip count and a deadline.
 */
public final class EchoClients {
    static final long HIGHEST_NANOS = 10_000_000_000L;
    /** Warm-up stops after this share of the measuring time even if not all warm-up round trips were made. */
    static final double WARMUP_SHARE = 0.5;

    private EchoClients() {}

    /** Starts the {@code mode} ("uring" or "grpc") echo server in its own JVM; returns it with its port. */
    public static ChildJvm startServer(String mode, long maxSeconds) {
        return startServer(mode, maxSeconds, List.of());
    }

    /** As {@link #startServer(String, long)}, behind {@code prefix} (e.g. {@code taskset -c 1}). */
    public static ChildJvm startServer(String mode, long maxSeconds, List<String> prefix) {
        return ChildJvm.start(EchoServerMain.class, List.of(mode, Long.toString(maxSeconds)), prefix);
    }

    /**
     * Starts the {@code mode} ("uring" or "grpc") echo client of the server on {@code port} in its own JVM behind {@code
     * prefix}, once it is up; {@link #measure} asks it for round trips.
     */
    public static ChildJvm startClient(String mode, int port, long maxSeconds, List<String> prefix) {
        ChildJvm c = ChildJvm.start(
                EchoClientMain.class, List.of(mode, Integer.toString(port), Long.toString(maxSeconds)), prefix);
        try {
            c.expect(ChildLine.Ready.class, 30_000);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** One measurement by a client {@link #startClient} started: waits its {@code seconds} twice over and a minute. */
    public static EchoStats measure(ChildJvm client, EchoClientMain.Request r, double seconds) {
        client.send(ChildLine.format(r));
        return client.expect(EchoStats.class, (long) (2 * seconds * 1000) + 60_000);
    }

    public static int port(ChildJvm server) {
        return Integer.parseInt(server.expect(ChildLine.Ready.class, 30_000).address());
    }

    /** Starts the plain read/write echo server over {@code transport}, bound per {@code bind}, behind {@code prefix}. */
    public static ChildJvm startStreamServer(
            StreamTransport transport, String bind, long maxSeconds, List<String> prefix) {
        return ChildJvm.start(
                EchoServerMain.class, List.of("stream", Long.toString(maxSeconds), transport.id(), bind), prefix);
    }

    /** The address a stream echo server printed. */
    public static String address(ChildJvm server) {
        return server.expect(ChildLine.Ready.class, 30_000).address();
    }

    /**
     * How a client puts one request on the wire: in one write; as a {@value #HEADER}-byte header and then the body
     * (two writes, the shape Nagle's algorithm holds back); or those two writes between TCP_CORK on and off.
     */
    public enum Framing {
        ONE_WRITE,
        HEADER_THEN_BODY,
        CORKED
    }

    static final int HEADER = 16;

    /**
     * Blocking read/write client on an open connection: each round trip writes {@code size} pattern bytes framed
     * as {@code framing} says, reads all of them back and verifies them.
     */
    public static EchoStats stream(
            String name, Connection c, int size, Framing framing, int warmups, int roundTrips, double maxSeconds) {
        check(size, roundTrips);
        if (framing != Framing.ONE_WRITE && size <= HEADER)
            throw new IllegalArgumentException("framing " + framing + " needs more than " + HEADER + " B, got " + size);
        try (Arena a = Arena.ofConfined()) {
            KnownPattern pattern = new KnownPattern(a, size);
            MemorySegment in = a.allocate(size, 4096);
            Histogram h = new Histogram(HIGHEST_NANOS, 3);
            long warmEnd = System.nanoTime() + (long) (WARMUP_SHARE * maxSeconds * 1e9),
                    deadline = 0,
                    t0 = 0,
                    calls = 0;
            for (int i = 0; i < warmups + roundTrips; i++) {
                if (i < warmups && System.nanoTime() > warmEnd) i = warmups;
                if (i == warmups && t0 == 0) {
                    t0 = System.nanoTime();
                    deadline = t0 + (long) (maxSeconds * 1e9);
                    calls = 0;
                }
                MemorySegment out = pattern.slice(i, size);
                long start = System.nanoTime();
                calls += send(c, out, size, framing);
                for (long got = 0; got < size; calls++) {
                    long n = c.read(in.asSlice(got), size - got);
                    if (n == 0)
                        throw new IllegalStateException(
                                name + " echo: the server closed after " + got + " of " + size + " B");
                    got += n;
                }
                long end = System.nanoTime(), rtt = end - start;
                if (MemorySegment.mismatch(in, 0, size, out, 0, size) >= 0)
                    throw new IllegalStateException(name + " echo: payload " + i + " came back altered");
                if (i >= warmups) h.recordValue(Math.min(rtt, HIGHEST_NANOS));
                // the answer's arrival time also ends the trial: one clock read fewer per round trip (27-35 ns here)
                if (i >= warmups && end > deadline) break;
            }
            return EchoStats.of(name, size, h, (System.nanoTime() - t0) / 1e9, calls);
        }
    }

    /** The calls one request took (writes and setsockopts). */
    private static int send(Connection c, MemorySegment out, int size, Framing framing) {
        switch (framing) {
            case ONE_WRITE -> {
                c.writeFully(out, size);
                return 1;
            }
            case HEADER_THEN_BODY -> {
                c.writeFully(out, HEADER);
                c.writeFully(out.asSlice(HEADER), size - HEADER);
                return 2;
            }
            default -> {
                if (!(c instanceof TcpSocket t)) throw new IllegalArgumentException("TCP_CORK needs a TCP socket");
                t.setInt(Net.IPPROTO_TCP, Net.TCP_CORK, 1);
                c.writeFully(out, HEADER);
                c.writeFully(out.asSlice(HEADER), size - HEADER);
                t.setInt(Net.IPPROTO_TCP, Net.TCP_CORK, 0);
                return 4;
            }
        }
    }

    /** io_uring client: SEND and RECV(MSG_WAITALL) of one round trip go in with a single io_uring_enter. */
    public static EchoStats uring(int port, int size, int warmups, int roundTrips, double maxSeconds) {
        check(size, roundTrips);
        try (TcpSocket c = TcpSocket.connect(SockAddrIn.loopback(port));
                IoUring ring = IoUring.setup(8, 0);
                Arena a = Arena.ofConfined()) {
            c.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
            KnownPattern pattern = new KnownPattern(a, size);
            MemorySegment in = a.allocate(size, 4096);
            Histogram h = new Histogram(HIGHEST_NANOS, 3);
            long warmEnd = System.nanoTime() + (long) (WARMUP_SHARE * maxSeconds * 1e9),
                    deadline = 0,
                    t0 = 0,
                    enters0 = 0;
            for (int i = 0; i < warmups + roundTrips; i++) {
                if (i < warmups && System.nanoTime() > warmEnd) i = warmups;
                if (i == warmups && t0 == 0) {
                    t0 = System.nanoTime();
                    deadline = t0 + (long) (maxSeconds * 1e9);
                    enters0 = ring.enterCalls();
                }
                MemorySegment out = pattern.slice(i, size);
                long start = System.nanoTime();
                ring.prepSend(c.fd(), out, size, Net.MSG_WAITALL | Net.MSG_NOSIGNAL, 1);
                ring.prepRecv(c.fd(), in, size, Net.MSG_WAITALL, 2);
                ring.submitAndWait(2);
                for (int k = 0; k < 2; k++) {
                    Cqe q = ring.waitCqe();
                    if (q.res() != size)
                        throw new IllegalStateException("io_uring echo: " + (q.userData() == 1 ? "SEND" : "RECV")
                                + " returned " + q.res() + ", expected " + size);
                }
                long end = System.nanoTime(), rtt = end - start;
                if (MemorySegment.mismatch(in, 0, size, out, 0, size) >= 0)
                    throw new IllegalStateException("io_uring echo: payload " + i + " came back altered");
                if (i >= warmups) h.recordValue(Math.min(rtt, HIGHEST_NANOS));
                if (i >= warmups && end > deadline) break;
            }
            return EchoStats.of("io_uring", size, h, (System.nanoTime() - t0) / 1e9, ring.enterCalls() - enters0);
        }
    }

    /** grpc-java blocking unary calls over one plaintext HTTP/2 channel to 127.0.0.1. */
    public static EchoStats grpc(int port, int size, int warmups, int roundTrips, double maxSeconds) {
        check(size, roundTrips);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(GrpcEcho.MAX_MESSAGE)
                .build();
        try (Arena a = Arena.ofConfined()) {
            KnownPattern pattern = new KnownPattern(a, size);
            Histogram h = new Histogram(HIGHEST_NANOS, 3);
            long warmEnd = System.nanoTime() + (long) (WARMUP_SHARE * maxSeconds * 1e9), deadline = 0, t0 = 0;
            for (int i = 0; i < warmups + roundTrips; i++) {
                if (i < warmups && System.nanoTime() > warmEnd) i = warmups;
                if (i == warmups && t0 == 0) {
                    t0 = System.nanoTime();
                    deadline = t0 + (long) (maxSeconds * 1e9);
                }
                byte[] out = pattern.slice(i, size).toArray(JAVA_BYTE);
                long start = System.nanoTime();
                byte[] back = ClientCalls.blockingUnaryCall(
                        ch, GrpcEcho.ECHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), out);
                long end = System.nanoTime(), rtt = end - start;
                if (!Arrays.equals(out, back))
                    throw new IllegalStateException("gRPC echo: payload " + i + " came back altered");
                if (i >= warmups) h.recordValue(Math.min(rtt, HIGHEST_NANOS));
                if (i >= warmups && end > deadline) break;
            }
            return EchoStats.of("gRPC", size, h, (System.nanoTime() - t0) / 1e9, -1);
        } finally {
            ch.shutdownNow();
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void check(int size, int roundTrips) {
        if (size <= 0 || size > GrpcEcho.MAX_MESSAGE)
            throw new IllegalArgumentException("echo size " + size + " B is outside 1 B .. 16 MiB");
        if (roundTrips <= 0) throw new IllegalArgumentException("round-trip count " + roundTrips + " must be positive");
    }
}

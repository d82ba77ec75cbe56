package lab.loopback.echo;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.Listener;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.Transports;
import lab.loopback.ipc.WaitMode;
import lab.loopback.measure.ChildLifetime;
import lab.loopback.measure.ChildLine;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;

/**
 * The echo server of URING-4, in its own JVM: {@code uring} echoes every received byte back over a TCP
 * connection using only io_uring RECV and SEND; {@code grpc} serves {@link GrpcEcho}. Both bind 127.0.0.1 on
 * a port the kernel picks, print {@code READY <port>}, and exit when stdin closes or after
 * {@code maxSeconds} in any case. {@code stream} echoes with plain read/write over any {@link StreamTransport},
 * waiting for each request as the optional {@link WaitMode} says, and prints {@code READY <address>} in the
 * transport's notation (it may run inside a namespace), then {@code ARMED <tid>}: the thread that accepts and
 * answers.
 */
public final class EchoServerMain {
    static final int BUFFER = GrpcEcho.MAX_MESSAGE;

    private EchoServerMain() {}

    public static void main(String[] args) throws Exception {
        boolean stream = (args.length == 4 || args.length == 5) && (args[0].equals("stream") || args[0].equals("rpc"));
        if (!stream && (args.length != 2 || !(args[0].equals("uring") || args[0].equals("grpc")))) {
            System.err.println(
                    "usage: EchoServerMain uring|grpc MAX_SECONDS | EchoServerMain stream|rpc MAX_SECONDS TRANSPORT BIND_SPEC [WAIT_MODE]");
            System.exit(2);
        }
        long maxSeconds = Long.parseLong(args[1]);
        ChildLifetime.bound("echo server", maxSeconds, EchoServerMain::closeListener);
        ChildLifetime.endWithStdin(EchoServerMain::closeListener);
        if (stream)
            stream(
                    Transports.byId(args[2]),
                    args[3],
                    args.length == 5 ? WaitMode.parse(args[4]) : WaitMode.BLOCKING,
                    args[0].equals("rpc"));
        else if (args[0].equals("grpc")) grpc();
        else uring();
    }

    /** The listener to close on the way out, so its socket path, FIFOs or directory do not outlive the server. */
    private static volatile Listener open;

    /** halt() skips shutdown hooks and would leave the listener's files: the last step before a child ends. */
    private static void closeListener() {
        Listener l = open;
        if (l != null) {
            try {
                l.close();
            } catch (RuntimeException ignored) {
                // exiting anyway
            }
        }
    }

    static void grpc() throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(GrpcEcho.MAX_MESSAGE)
                .addService(GrpcEcho.service())
                .build()
                .start();
        System.out.println(ChildLine.format(new ChildLine.Ready(
                Integer.toString(((InetSocketAddress) s.getListenSockets().getFirst()).getPort()))));
        System.out.flush();
        s.awaitTermination();
    }

    static void uring() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 4);
                IoUring ring = IoUring.setup(8, 0);
                Arena a = Arena.ofConfined()) {
            System.out.println(ChildLine.format(
                    new ChildLine.Ready(Integer.toString(l.localAddress().port()))));
            System.out.flush();
            MemorySegment buf = a.allocate(BUFFER, 4096);
            while (true) {
                try (TcpSocket c = l.accept()) {
                    c.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
                    echo(ring, c.fd(), buf);
                }
            }
        }
    }

    /**
     * Plain blocking read/write echo over any stream transport, TCP_NODELAY on its own side when the transport is
     * TCP (so the server never holds a reply back, and only the client's options are under test).
     */
    static void stream(StreamTransport transport, String bind, WaitMode wait, boolean rpc) {
        try (Listener l = transport.listen(bind);
                Arena a = Arena.ofConfined()) {
            open = l;
            System.out.println(ChildLine.format(new ChildLine.Ready(l.address())));
            // the server answers on this thread; naming it lets the client place the two peers on CPUs
            System.out.println(ChildLine.format(new ChildLine.Armed(Libc.gettid())));
            System.out.flush();
            MemorySegment buf = a.allocate(BUFFER, 4096);
            while (true) {
                try (Connection accepted = l.accept();
                        Connection c = wait.apply(Transports.noDelay(accepted))) {
                    if (rpc) answerRequests(c, buf);
                    else echoAsItArrives(c, buf);
                } catch (RuntimeException e) {
                    // a client that resets its connection ends only its own session
                }
            }
        }
    }

    /** Raw echo: whatever a read returned is written back at once, so the client's write pattern reaches the wire. */
    private static void echoAsItArrives(Connection c, MemorySegment buf) {
        long n;
        while ((n = c.read(buf, BUFFER)) > 0) c.writeFully(buf, n);
    }

    /**
     * Request/response: the connection opens with the request size as 4 little-endian bytes; then each request is
     * read whole before its answer (the same bytes) is written, as an RPC server does. Reading first also means a
     * request larger than the transport's buffers cannot deadlock against its own answer.
     */
    private static void answerRequests(Connection c, MemorySegment buf) {
        if (!readFully(c, buf, 4)) return;
        int size = buf.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (size <= 0 || size > BUFFER)
            throw new IllegalArgumentException("request size " + size + " is outside 1 B .. " + BUFFER + " B");
        while (readFully(c, buf, size)) c.writeFully(buf, size);
    }

    /** Reads exactly {@code n} bytes; false at a clean end of stream before the first of them. */
    static boolean readFully(Connection c, MemorySegment buf, long n) {
        for (long got = 0; got < n; ) {
            long r = c.read(buf.asSlice(got), n - got);
            if (r == 0) {
                if (got == 0) return false;
                throw new IllegalStateException("end of stream after " + got + " of " + n + " request bytes");
            }
            got += r;
        }
        return true;
    }

    /** RECV whatever arrived, SEND it all back, until the peer closes. */
    static void echo(IoUring ring, int fd, MemorySegment buf) {
        while (true) {
            ring.prepRecv(fd, buf, BUFFER, 0, 1);
            ring.submitAndWait(1);
            Cqe r = ring.waitCqe();
            if (r.res() <= 0) return; // end of stream or reset
            ring.prepSend(fd, buf, r.res(), Net.MSG_WAITALL | Net.MSG_NOSIGNAL, 2);
            ring.submitAndWait(1);
            if (ring.waitCqe().res() != r.res()) return;
        }
    }
}

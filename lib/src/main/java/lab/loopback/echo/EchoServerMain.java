package lab.loopback.echo;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.Listener;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.Transports;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The echo server of URING-4, in its own JVM: {@code uring} echoes every received byte back over a TCP
 * connection using only io_uring RECV and SEND; {@code grpc} serves {@link GrpcEcho}. Both bind 127.0.0.1 on
 * a port the kernel picks, print {@code READY <port>}, and exit when stdin closes or after
 * {@code maxSeconds} in any case. {@code stream} echoes with plain read/write over any {@link StreamTransport}
 * and prints {@code READY <address>} in the transport's notation (it may run inside a namespace).
 */
public final class EchoServerMain {
    static final int BUFFER = GrpcEcho.MAX_MESSAGE;

    private EchoServerMain() {}

    public static void main(String[] args) throws Exception {
        boolean stream = args.length == 4 && args[0].equals("stream");
        if (!stream && (args.length != 2 || !(args[0].equals("uring") || args[0].equals("grpc")))) {
            System.err.println("usage: EchoServerMain uring|grpc MAX_SECONDS | EchoServerMain stream MAX_SECONDS TRANSPORT BIND_SPEC");
            System.exit(2);
        }
        long maxSeconds = Long.parseLong(args[1]);
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
                System.err.println("echo server: lifetime of " + maxSeconds + " s reached, exiting");
            } catch (InterruptedException ignored) {
                // not interrupted in practice
            }
            Runtime.getRuntime().halt(3);
        });
        // stdin closing means the parent is gone or done
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) { /* no commands */ }
            } catch (Exception ignored) {
                // fall through to exit
            }
            Runtime.getRuntime().halt(0);
        });
        if (stream) stream(Transports.byId(args[2]), args[3]);
        else if (args[0].equals("grpc")) grpc();
        else uring();
    }

    static void grpc() throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(GrpcEcho.MAX_MESSAGE).addService(GrpcEcho.service()).build().start();
        System.out.println("READY " + ((InetSocketAddress) s.getListenSockets().getFirst()).getPort());
        System.out.flush();
        s.awaitTermination();
    }

    static void uring() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 4); IoUring ring = IoUring.setup(8, 0); Arena a = Arena.ofConfined()) {
            System.out.println("READY " + l.localAddress().port());
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
    static void stream(StreamTransport transport, String bind) {
        try (Listener l = transport.listen(bind); Arena a = Arena.ofConfined()) {
            System.out.println("READY " + l.address());
            System.out.flush();
            MemorySegment buf = a.allocate(BUFFER, 4096);
            while (true) {
                try (Connection c = l.accept()) {
                    if (c instanceof TcpSocket t) t.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
                    long n;
                    while ((n = c.read(buf, BUFFER)) > 0) c.writeFully(buf, n);
                } catch (RuntimeException e) {
                    // a client that resets its connection ends only its own session
                }
            }
        }
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

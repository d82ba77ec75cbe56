package lab.loopback.echo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.ChildLifetime;
import lab.loopback.measure.ChildLine;
import lab.loopback.sys.Libc;
import lab.loopback.sys.SockAddrIn;

/**
 * The server of the connect-to-first-byte probe (MORE-3), in its own JVM (inside a namespace when given a prefix):
 * listens on 127.0.0.1 with TCP_FASTOPEN when asked, prints {@code READY <port>} and {@code ARMED <tid>} (the thread
 * that accepts and answers), and for every connection reads
 * one request of {@code SIZE} bytes, answers with the same bytes and closes. Exits when stdin closes or after
 * {@code MAX_SECONDS}.
 */
public final class FirstByteServerMain {
    private FirstByteServerMain() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: FirstByteServerMain MAX_SECONDS SIZE FASTOPEN_QUEUE");
            System.exit(2);
        }
        long maxSeconds = Long.parseLong(args[0]);
        int size = Integer.parseInt(args[1]), queue = Integer.parseInt(args[2]);
        ChildLifetime.bound("first-byte server", maxSeconds, () -> {});
        ChildLifetime.endWithStdin(() -> {});
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 64, queue);
                Arena a = Arena.ofConfined()) {
            System.out.println(ChildLine.format(
                    new ChildLine.Ready(Integer.toString(l.localAddress().port()))));
            // the thread that accepts and answers, so the client can place it on a CPU
            System.out.println(ChildLine.format(new ChildLine.Armed(Libc.gettid())));
            System.out.flush();
            MemorySegment buf = a.allocate(size);
            while (true) {
                try (TcpSocket c = l.accept()) {
                    if (EchoServerMain.readFully(c, buf, size)) c.writeFully(buf, size);
                } catch (RuntimeException e) {
                    // a client that resets ends only its own connection
                }
            }
        }
    }
}

package lab.loopback.experiments;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;

/**
 * The article's C example, call for call, through the syscall layer: socket, bind 127.0.0.1, listen(1),
 * socket, connect, accept, write "zero-copy!" (sizeof, so with its NUL: 11 bytes), read into a 32-byte
 * buffer. The article leaves the port out; we bind port 0 and ask getsockname which one the kernel chose.
 * Every call is recorded with its result and duration; descriptors are closed whatever happens.
 */
public final class CExample {
    /** One call as made: the C spelling, what it returned, how long it took. */
    public record Call(int step, String call, long result, long nanos) {}

    /** What the exchange produced. */
    public record Exchange(
            List<Call> calls,
            byte[] sent,
            byte[] received,
            SockAddrIn clientLocal,
            SockAddrIn serverPeer,
            SockAddrIn serverLocal) {
        public boolean bytesIntact() {
            return Arrays.equals(sent, received);
        }

        public boolean bothEndsLoopback() {
            return clientLocal.isLoopback()
                    && serverPeer.isLoopback()
                    && serverLocal.isLoopback()
                    && clientLocal.equals(serverPeer);
        }
    }

    static final byte[] MESSAGE = "zero-copy!\0".getBytes(StandardCharsets.US_ASCII);

    private final List<Call> calls = new ArrayList<>();

    private long record(String call, LongSupplier c) {
        long t0 = System.nanoTime();
        long r = c.getAsLong();
        calls.add(new Call(calls.size() + 1, call, r, System.nanoTime() - t0));
        return r;
    }

    public static Exchange run() {
        return new CExample().exchange();
    }

    private Exchange exchange() {
        int listener = -1, client = -1, server = -1;
        try (Arena a = Arena.ofConfined()) {
            int l = listener =
                    (int) record("socket(AF_INET, SOCK_STREAM, 0)", () -> Libc.socket(Net.AF_INET, Net.SOCK_STREAM, 0));
            MemorySegment any = SockAddrIn.loopback(0).allocate(a);
            record("bind(listener, {127.0.0.1, port 0}, 16)", () -> {
                Libc.bind(l, any, SockAddrIn.SIZE);
                return 0;
            });
            record("listen(listener, 1)", () -> {
                Libc.listen(l, 1);
                return 0;
            });
            SockAddrIn bound = local(l, a);
            int c = client =
                    (int) record("socket(AF_INET, SOCK_STREAM, 0)", () -> Libc.socket(Net.AF_INET, Net.SOCK_STREAM, 0));
            MemorySegment to = bound.allocate(a);
            record("connect(client, {" + bound + "}, 16)", () -> {
                Libc.connect(c, to, SockAddrIn.SIZE);
                return 0;
            });
            int s = server = (int) record("accept(listener, NULL, NULL)", () -> Libc.accept4(l, 0));
            MemorySegment msg = a.allocate(MESSAGE.length);
            msg.copyFrom(MemorySegment.ofArray(MESSAGE));
            record("write(client, \"zero-copy!\", 11)", () -> Libc.write(c, msg, MESSAGE.length));
            MemorySegment buf = a.allocate(32);
            long n = record("read(server, buf, 32)", () -> Libc.read(s, buf, 32));
            byte[] got = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            return new Exchange(List.copyOf(calls), MESSAGE.clone(), got, local(c, a), peer(s, a), local(s, a));
        } finally {
            for (int fd : new int[] {server, client, listener}) if (fd >= 0) Libc.close(fd);
        }
    }

    private static SockAddrIn local(int fd, Arena a) {
        MemorySegment addr = a.allocate(SockAddrIn.SIZE, 4);
        Libc.getsockname(fd, addr, a.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
        return SockAddrIn.read(addr);
    }

    private static SockAddrIn peer(int fd, Arena a) {
        MemorySegment addr = a.allocate(SockAddrIn.SIZE, 4);
        Libc.getpeername(fd, addr, a.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
        return SockAddrIn.read(addr);
    }

    /** Runs the exchange once and prints a marker line, so a tracer (strace) around this JVM can find it. */
    public static void main(String[] args) {
        Exchange e = run();
        System.out.println("EXCHANGE " + (e.bytesIntact() ? "intact" : "damaged") + " " + e.clientLocal() + " -> "
                + e.serverLocal());
    }
}

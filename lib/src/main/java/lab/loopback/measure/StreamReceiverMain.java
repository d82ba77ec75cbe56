package lab.loopback.measure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.Listener;
import lab.loopback.ipc.NonBlocking;
import lab.loopback.ipc.StreamTransport;
import lab.loopback.ipc.Transports;
import lab.loopback.sys.Libc;

/**
 * The receiving peer, run in its own JVM by {@link StreamRunner}. Protocol on stdin/stdout, one {@link ChildLine} each:
 * it prints {@link ChildLine.Ready} with its address; for every {@link ChildLine.Trial} it reads it builds the pattern
 * and buffer, prints {@link ChildLine.Armed} (its thread's kernel id, for tracing; the sender starts its clock only
 * after that, so this set-up is never timed), accepts one connection (switched to O_NONBLOCK with poll(2) waits when
 * asked), reads it to end of stream checking every byte against {@link KnownPattern}, and prints
 * {@link ChildLine.Result}. It exits when stdin closes, and after {@code maxSeconds} in any case.
 */
public final class StreamReceiverMain {
    private static volatile Listener open;

    private StreamReceiverMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: StreamReceiverMain TRANSPORT BIND_SPEC MAX_SECONDS");
            System.exit(2);
        }
        StreamTransport transport = Transports.byId(args[0]);
        long maxSeconds = Long.parseLong(args[2]);
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
                System.err.println("receiver: lifetime of " + maxSeconds + " s reached, exiting");
                Listener l = open;
                if (l != null) l.close(); // halt() skips shutdown hooks; the listener's files must not outlive us
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // normal end
            }
        });
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Listener listener = transport.listen(args[1])) {
            open = listener;
            out.println(ChildLine.format(new ChildLine.Ready(listener.address())));
            String line;
            while ((line = in.readLine()) != null) {
                ChildLine.Trial trial = ChildLine.parse(line, ChildLine.Trial.class);
                try (Arena arena = Arena.ofConfined()) {
                    KnownPattern pattern = new KnownPattern(arena, trial.readSize());
                    MemorySegment buf = arena.allocate(trial.readSize(), 64);
                    out.println(ChildLine.format(new ChildLine.Armed(Libc.gettid())));
                    try (Connection c = listener.accept()) {
                        ChildLine.Result r = receive(trial.nonBlocking() ? new NonBlocking(c, false) : c, pattern, buf);
                        out.println(ChildLine.format(r));
                    }
                }
            }
        }
        watchdog.interrupt();
    }

    static ChildLine.Result receive(Connection c, KnownPattern pattern, MemorySegment buf) {
        long readSize = buf.byteSize();
        ThreadCpu before = ThreadCpu.now();
        long offset = 0, reads = 0, verifyNanos = 0, mismatchAt = -1, firstByte = 0;
        while (true) {
            long n = c.read(buf, readSize);
            if (n == 0) break;
            if (reads++ == 0) firstByte = System.nanoTime();
            long t0 = System.nanoTime();
            long m = pattern.check(buf, offset, n);
            verifyNanos += System.nanoTime() - t0;
            if (m >= 0 && mismatchAt < 0) mismatchAt = offset + m;
            offset += n;
        }
        long end = System.nanoTime();
        ThreadCpu cpu = ThreadCpu.now().minus(before);
        return new ChildLine.Result(
                offset, mismatchAt, reads, cpu.userNanos(), cpu.sysNanos(), verifyNanos, firstByte, end);
    }
}

package lab.loopback.evidence;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.measure.ChildLifetime;
import lab.loopback.measure.ChildLine;
import lab.loopback.sys.Libc;
import lab.loopback.sys.SockAddrIn;

/**
 * The blocked reader of {@link WakeupProbe}, in its own JVM: connects to 127.0.0.1:PORT, prints
 * {@code READY} and {@code ARMED <tid>} (its reading thread), then for every 16-byte message (sequence number, sender's clock) blocks in read(), notes
 * CLOCK_MONOTONIC the moment read returns, and answers with (sequence number, that time). It exits at end
 * of stream, and after MAX_SECONDS in any case.
 */
public final class WakeupPeerMain {
    static final int MESSAGE = 16;

    private WakeupPeerMain() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: WakeupPeerMain PORT MAX_SECONDS");
            System.exit(2);
        }
        long maxSeconds = Long.parseLong(args[1]);
        ChildLifetime.bound("wake-up peer", maxSeconds, () -> {});
        try (TcpSocket s = TcpSocket.connect(SockAddrIn.loopback(Integer.parseInt(args[0])));
                Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(MESSAGE, 8);
            MemorySegment out = a.allocate(MESSAGE, 8);
            System.out.println(ChildLine.format(new ChildLine.Ready("")));
            // the reading thread, so the prober can place it on a CPU and pick out its scheduler events
            System.out.println(ChildLine.format(new ChildLine.Armed(Libc.gettid())));
            System.out.flush();
            while (true) {
                long got = 0;
                while (got < MESSAGE) {
                    long n = s.read(in.asSlice(got), MESSAGE - got);
                    if (n == 0) return;
                    got += n;
                }
                long woke = System.nanoTime();
                out.set(JAVA_LONG_UNALIGNED, 0, in.get(JAVA_LONG_UNALIGNED, 0));
                out.set(JAVA_LONG_UNALIGNED, 8, woke);
                s.writeFully(out, MESSAGE);
            }
        }
    }
}

package lab.loopback.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.ZerocopyNotices;
import lab.loopback.sys.ZerocopyNotices.Completion;

/**
 * Asks the kernel itself whether a send copied: SO_ZEROCOPY on a loopback TCP socket, then
 * {@code send(MSG_ZEROCOPY)}, then the completion notices from the socket's error queue
 * ({@code recvmsg(MSG_ERRQUEUE)}), each covering a range of send calls and saying whether the kernel fell
 * back to copying ({@code SO_EE_CODE_ZEROCOPY_COPIED}). A peer thread drains the data meanwhile, since a
 * notice comes only when the kernel lets go of the pages.
 */
public final class ZerocopyProbe {
    /** What the probe saw, or why it could not look ({@code unavailable} non-null). */
    public record Result(int sends, long bytes, List<Completion> completions, String unavailable) {
        public long sendsCompleted() {
            return completions.stream().mapToLong(Completion::sends).sum();
        }

        public long sendsReportedCopied() {
            return completions.stream()
                    .filter(Completion::copied)
                    .mapToLong(Completion::sends)
                    .sum();
        }

        public boolean complete() {
            return unavailable == null && sendsCompleted() == sends;
        }
    }

    private ZerocopyProbe() {}

    /** {@code sends} calls of {@code chunk} bytes each over a fresh 127.0.0.1 connection; waits at most {@code timeoutMillis} for notices. */
    public static Result run(int sends, int chunk, long timeoutMillis) {
        if (sends <= 0 || chunk <= 0)
            throw new IllegalArgumentException("sends (" + sends + ") and chunk (" + chunk + ") must be positive");
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                Arena a = Arena.ofConfined()) {
            try {
                c.setInt(Net.SOL_SOCKET, Net.SO_ZEROCOPY, 1);
            } catch (ErrnoException e) {
                return new Result(
                        sends,
                        0,
                        List.of(),
                        "setsockopt(SO_ZEROCOPY) failed: " + e.errnoName() + " (" + Libc.strerror(e.errno()) + ")");
            }
            Thread drain = Thread.ofPlatform().daemon().start(() -> {
                MemorySegment in = Arena.ofAuto().allocate(65536);
                while (s.read(in, 65536) > 0) {
                    /* the data is not the question here */
                }
            });
            MemorySegment buf = a.allocate(chunk, 4096);
            buf.fill((byte) 0x5A);
            long bytes = 0;
            for (int i = 0; i < sends; i++) {
                // each call is one notice id; a short send still counts as one call
                long n = Libc.send(c.fd(), buf, chunk, Net.MSG_ZEROCOPY | Net.MSG_NOSIGNAL);
                bytes += n;
            }
            List<Completion> done = new ZerocopyNotices(c.fd(), a)
                    .awaitSends(sends, timeoutMillis)
                    .completions();
            c.shutdownOutput();
            try {
                drain.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Result(sends, bytes, done, null);
        }
    }
}

package lab.loopback.kernel;

import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.MsgHdr;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;
import lab.loopback.sys.SockExtendedErr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the kernel itself whether a send copied: SO_ZEROCOPY on a loopback TCP socket, then
 * {@code send(MSG_ZEROCOPY)}, then the completion notices from the socket's error queue
 * ({@code recvmsg(MSG_ERRQUEUE)}), each covering a range of send calls and saying whether the kernel fell
 * back to copying ({@code SO_EE_CODE_ZEROCOPY_COPIED}). A peer thread drains the data meanwhile, since a
 * notice comes only when the kernel lets go of the pages.
 */
public final class ZerocopyProbe {
    /** One notice: send calls {@code first..last} (counted from 0) completed; {@code copied} as the kernel says. */
    public record Completion(long first, long last, boolean copied) {
        public long sends() {
            return last - first + 1;
        }
    }

    /** What the probe saw, or why it could not look ({@code unavailable} non-null). */
    public record Result(int sends, long bytes, List<Completion> completions, String unavailable) {
        public long sendsCompleted() {
            return completions.stream().mapToLong(Completion::sends).sum();
        }

        public long sendsReportedCopied() {
            return completions.stream().filter(Completion::copied).mapToLong(Completion::sends).sum();
        }

        public boolean complete() {
            return unavailable == null && sendsCompleted() == sends;
        }
    }

    private ZerocopyProbe() {}

    /** {@code sends} calls of {@code chunk} bytes each over a fresh 127.0.0.1 connection; waits at most {@code timeoutMillis} for notices. */
    public static Result run(int sends, int chunk, long timeoutMillis) {
        if (sends <= 0 || chunk <= 0) throw new IllegalArgumentException("sends (" + sends + ") and chunk (" + chunk + ") must be positive");
        try (TcpSocket l = TcpSocket.listen(lab.loopback.sys.SockAddrIn.loopback(0), 1);
             TcpSocket c = TcpSocket.connect(l.localAddress());
             TcpSocket s = l.accept();
             Arena a = Arena.ofConfined()) {
            try {
                c.setInt(Net.SOL_SOCKET, Net.SO_ZEROCOPY, 1);
            } catch (ErrnoException e) {
                return new Result(sends, 0, List.of(), "setsockopt(SO_ZEROCOPY) failed: " + e.errnoName() + " (" + Libc.strerror(e.errno()) + ")");
            }
            Thread drain = Thread.ofPlatform().daemon().start(() -> {
                MemorySegment in = Arena.ofAuto().allocate(65536);
                while (s.read(in, 65536) > 0) { /* the data is not the question here */ }
            });
            MemorySegment buf = a.allocate(chunk, 4096);
            buf.fill((byte) 0x5A);
            long bytes = 0;
            for (int i = 0; i < sends; i++) {
                // each call is one notice id; a short send still counts as one call
                long n = Libc.send(c.fd(), buf, chunk, Net.MSG_ZEROCOPY | Net.MSG_NOSIGNAL);
                bytes += n;
            }
            List<Completion> done = readCompletions(c.fd(), sends, timeoutMillis, a);
            c.shutdownOutput();
            try {
                drain.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Result(sends, bytes, done, null);
        }
    }

    static List<Completion> readCompletions(int fd, int sends, long timeoutMillis, Arena a) {
        List<Completion> out = new ArrayList<>();
        MsgHdr msg = new MsgHdr(a, MemorySegment.NULL.reinterpret(0), 128);
        MemorySegment pfd = a.allocate(PollFd.LAYOUT);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long seen = 0;
        while (seen < sends && System.nanoTime() < deadline) {
            msg.reset();
            long r = Libc.sysRecvmsg(fd, msg.segment(), Net.MSG_ERRQUEUE);
            if (r == -Errno.EAGAIN) {
                PollFd.set(pfd, 0, fd, (short) 0); // POLLERR is always reported, no need to ask
                Libc.poll(pfd, 1, 50);
                continue;
            }
            if (r < 0) throw new ErrnoException("recvmsg(" + fd + ", MSG_ERRQUEUE)", (int) -r);
            for (MsgHdr.Cmsg cm : msg.controlMessages()) {
                boolean recverr = (cm.level() == SockExtendedErr.SOL_IP && cm.type() == SockExtendedErr.IP_RECVERR)
                        || (cm.level() == SockExtendedErr.SOL_IPV6 && cm.type() == SockExtendedErr.IPV6_RECVERR);
                if (!recverr) continue;
                SockExtendedErr e = SockExtendedErr.read(cm.data());
                if (!e.isZerocopy()) continue;
                Completion c = new Completion(e.info(), e.data(), e.copied());
                out.add(c);
                seen += c.sends();
            }
        }
        return out;
    }
}

package lab.loopback.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The MSG_ZEROCOPY completion notices of one socket, read from its error queue
 * ({@code recvmsg(MSG_ERRQUEUE)}): each covers a range of send calls and says whether the kernel fell back to
 * copying ({@code SO_EE_CODE_ZEROCOPY_COPIED}).
 */
public final class ZerocopyNotices {
    /** One notice: send calls {@code first..last} (counted from 0 per socket) completed; {@code copied} as the kernel says. */
    public record Completion(long first, long last, boolean copied) {
        public long sends() {
            return last - first + 1;
        }
    }

    private final int fd;
    private final MsgHdr msg;
    private final MemorySegment pfd;
    private final List<Completion> seen = new ArrayList<>();
    private long sendsSeen;

    public ZerocopyNotices(int fd, Arena arena) {
        this.fd = fd;
        this.msg = new MsgHdr(arena, MemorySegment.NULL, 128);
        this.pfd = arena.allocate(PollFd.LAYOUT);
    }

    /** Reads notices until {@code sends} calls are covered or {@code timeoutMillis} passed (0: only what is queued now). */
    public ZerocopyNotices awaitSends(long sends, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (sendsSeen < sends) {
            msg.reset();
            long r = Libc.sysRecvmsg(fd, msg.segment(), Net.MSG_ERRQUEUE);
            if (r == -Errno.EAGAIN) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) break;
                PollFd.set(pfd, 0, fd, (short) 0); // POLLERR is always reported, no need to ask
                Libc.poll(pfd, 1, (int) Math.min(left, 50));
                continue;
            }
            if (r == -Errno.EINTR) continue;
            if (r < 0) throw new ErrnoException("recvmsg(" + fd + ", MSG_ERRQUEUE)", (int) -r);
            for (MsgHdr.Cmsg cm : msg.controlMessages()) {
                boolean recverr = (cm.level() == SockExtendedErr.SOL_IP && cm.type() == SockExtendedErr.IP_RECVERR)
                        || (cm.level() == SockExtendedErr.SOL_IPV6 && cm.type() == SockExtendedErr.IPV6_RECVERR);
                if (!recverr) continue;
                SockExtendedErr e = SockExtendedErr.read(cm.data());
                if (!e.isZerocopy()) continue;
                Completion c = new Completion(e.info(), e.data(), e.copied());
                seen.add(c);
                sendsSeen += c.sends();
            }
        }
        return this;
    }

    public List<Completion> completions() {
        return List.copyOf(seen);
    }

    public long sendsCompleted() {
        return sendsSeen;
    }

    public long sendsReportedCopied() {
        return seen.stream()
                .filter(Completion::copied)
                .mapToLong(Completion::sends)
                .sum();
    }
}

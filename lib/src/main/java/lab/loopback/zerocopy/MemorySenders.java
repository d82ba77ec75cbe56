package lab.loopback.zerocopy;

import java.lang.foreign.Arena;
import lab.loopback.measure.StreamRunner.Sent;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.LockedMemory;
import lab.loopback.sys.Net;
import lab.loopback.sys.ZerocopyNotices;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringOp;

/**
 * Ways to send bytes that are already in this process's memory to a socket: write(2), send(MSG_ZEROCOPY),
 * io_uring SEND and SEND_ZC. Each stops after {@code total} bytes or at the deadline, and counts the calls it
 * made into the kernel.
 */
public final class MemorySenders {
    /** Drain MSG_ZEROCOPY notices this often, so the error queue (bounded by optmem) never fills. */
    static final int NOTICE_DRAIN_EVERY = 128;

    static final long NOTICE_WAIT_MILLIS = 5_000;

    private MemorySenders() {}

    public static Sent write(int sock, Chunks src, long total, int chunk, long deadline) {
        long sent = 0, calls = 0;
        while (sent < total) {
            long n = Math.min(chunk, total - sent);
            sent += Libc.write(sock, src.at(sent, n), n);
            calls++;
            if (System.nanoTime() >= deadline) break;
        }
        return new Sent(sent, calls);
    }

    /** send(MSG_ZEROCOPY) after SO_ZEROCOPY; waits (bounded) for every completion notice before returning. */
    public static Sent msgZerocopy(int sock, Chunks src, long total, int chunk, long deadline, KernelNotices notices) {
        Libc.setsockoptInt(sock, Net.SOL_SOCKET, Net.SO_ZEROCOPY, 1);
        long sent = 0, calls = 0, sends = 0;
        try (Arena a = Arena.ofConfined()) {
            ZerocopyNotices zn = new ZerocopyNotices(sock, a);
            while (sent < total) {
                long n = Math.min(chunk, total - sent);
                long r = Libc.sysSend(sock, src.at(sent, n), n, Net.MSG_ZEROCOPY | Net.MSG_NOSIGNAL);
                calls++;
                if (r == -Errno.EINTR) continue;
                if (r == -Errno.ENOBUFS) { // too many notices outstanding: collect some, then retry
                    zn.awaitSends(sends, 100);
                    calls++;
                    continue;
                }
                if (r < 0) throw new ErrnoException("send(" + sock + ", " + n + ", MSG_ZEROCOPY)", (int) -r);
                sent += r;
                sends++;
                if (sends % NOTICE_DRAIN_EVERY == 0) {
                    zn.awaitSends(sends, 0);
                    calls++;
                }
                if (System.nanoTime() >= deadline) break;
            }
            zn.awaitSends(sends, NOTICE_WAIT_MILLIS);
            notices.sends += sends;
            notices.reported += zn.sendsCompleted();
            notices.copied += zn.sendsReportedCopied();
        }
        return new Sent(sent, calls);
    }

    /**
     * io_uring SEND (or SEND_ZC with IORING_SEND_ZC_REPORT_USAGE), one request in flight, each submitted and
     * waited for with one io_uring_enter — the same one-call-per-chunk shape as write(2). MSG_WAITALL makes
     * the kernel finish a short send itself; a short result is still resubmitted.
     *
     * <p>SEND_ZC pins each send's pages until its notification, counted against RLIMIT_MEMLOCK unless the process
     * holds CAP_IPC_LOCK (then ENOMEM): notifications are reaped before the pinned total would pass half the limit
     * (the other half is left to the rest of this user's pinned memory), and a single send that cannot fit is a
     * {@link PinLimitException} naming the limit.
     */
    public static Sent uring(
            IoUring ring,
            int sock,
            Chunks src,
            long total,
            int chunk,
            boolean zeroCopy,
            long deadline,
            KernelNotices notices) {
        long pinCap = zeroCopy ? PinnedSends.capOf(LockedMemory.budget()) : Long.MAX_VALUE;
        if (zeroCopy && Math.min(chunk, total) > pinCap)
            throw PinLimitException.forSend(Math.min(chunk, total), LockedMemory.budget());
        PinnedSends pinned = new PinnedSends();
        long enters0 = ring.enterCalls();
        long sent = 0, requests = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk, total - sent);
            while (zeroCopy && pinned.bytes() + n > pinCap && pinned.pending() > 0)
                reapNotification(ring, pinned, notices);
            long tag = ++requests;
            if (zeroCopy) {
                ring.prepSendZc(
                        sock,
                        src.at(sent, n),
                        n,
                        Net.MSG_WAITALL | Net.MSG_NOSIGNAL,
                        IoUringOp.IORING_SEND_ZC_REPORT_USAGE,
                        tag);
            } else {
                ring.prepSend(sock, src.at(sent, n), n, Net.MSG_WAITALL | Net.MSG_NOSIGNAL, tag);
            }
            ring.submitAndWait(1);
            while (true) { // the send's own CQE; notifications of earlier sends may come first
                Cqe c = ring.waitCqe();
                if (c.notification()) {
                    if (pinned.released(c.userData())) record(c, notices);
                    continue;
                }
                if (zeroCopy && c.res() == -Errno.ENOMEM) {
                    // the user's pinned total is over the limit (this user's other pins count too): wait for ours, then
                    // retry
                    if (c.more()) pinned.failed(tag);
                    if (pinned.bytes() == 0) { // nothing of ours left to release: the limit is too small for this send
                        while (pinned.pending() > 0) reapNotification(ring, pinned, notices);
                        throw PinLimitException.forSend(n, LockedMemory.budget());
                    }
                    reapNotification(ring, pinned, notices);
                    break;
                }
                if (c.res() < 0)
                    throw new ErrnoException(
                            "io_uring " + (zeroCopy ? "SEND_ZC" : "SEND") + " of " + n + " bytes", -c.res());
                sent += c.res();
                if (zeroCopy) {
                    notices.sends++;
                    if (c.more()) pinned.pinned(tag, n);
                }
                break;
            }
            if (System.nanoTime() >= deadline) break;
        }
        long waitUntil = System.nanoTime() + NOTICE_WAIT_MILLIS * 1_000_000;
        while (pinned.pending() > 0 && System.nanoTime() < waitUntil) {
            Cqe c = ring.peekCqe();
            if (c == null) {
                ring.submitAndWait(1);
                continue;
            }
            ring.cqeSeen();
            if (c.notification() && pinned.released(c.userData())) record(c, notices);
        }
        return new Sent(sent, ring.enterCalls() - enters0);
    }

    /** Why SEND_ZC sends of {@code chunk} bytes cannot run in this process (its locked-memory limit), or null when they can. */
    public static String sendZcUnfit(int chunk) {
        long budget = LockedMemory.budget();
        return chunk > PinnedSends.capOf(budget)
                ? PinLimitException.forSend(chunk, budget).getMessage()
                : null;
    }

    /** Waits for the next CQE, which can only be a notification: no send is in flight between sends. */
    private static void reapNotification(IoUring ring, PinnedSends pinned, KernelNotices notices) {
        Cqe c = ring.waitCqe();
        if (!c.notification())
            throw new IllegalStateException("expected a SEND_ZC notification, got a CQE with res " + c.res());
        if (pinned.released(c.userData())) record(c, notices);
    }

    private static void record(Cqe c, KernelNotices notices) {
        notices.reported++;
        if (c.reportsCopied()) notices.copied++;
    }
}

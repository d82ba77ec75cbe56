package lab.loopback.zerocopy;

import lab.loopback.measure.StreamRunner.Sent;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.ZerocopyNotices;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

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
     */
    public static Sent uring(IoUring ring, int sock, Chunks src, long total, int chunk, boolean zeroCopy, long deadline, KernelNotices notices) {
        long enters0 = ring.enterCalls();
        long sent = 0, requests = 0, notifsPending = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk, total - sent);
            long tag = ++requests;
            if (zeroCopy) {
                ring.prepSendZc(sock, src.at(sent, n), n, Net.MSG_WAITALL | Net.MSG_NOSIGNAL, IoUringOp.IORING_SEND_ZC_REPORT_USAGE, tag);
            } else {
                ring.prepSend(sock, src.at(sent, n), n, Net.MSG_WAITALL | Net.MSG_NOSIGNAL, tag);
            }
            ring.submitAndWait(1);
            while (true) { // the send's own CQE; notifications of earlier sends may come first
                Cqe c = ring.waitCqe();
                if (c.notification()) {
                    record(c, notices);
                    notifsPending--;
                    continue;
                }
                if (c.res() < 0) throw new ErrnoException("io_uring " + (zeroCopy ? "SEND_ZC" : "SEND") + " of " + n + " bytes", -c.res());
                sent += c.res();
                if (zeroCopy) {
                    notices.sends++;
                    if (c.more()) notifsPending++;
                }
                break;
            }
            if (System.nanoTime() >= deadline) break;
        }
        long waitUntil = System.nanoTime() + NOTICE_WAIT_MILLIS * 1_000_000;
        while (notifsPending > 0 && System.nanoTime() < waitUntil) {
            Cqe c = ring.peekCqe();
            if (c == null) {
                ring.submitAndWait(1);
                continue;
            }
            ring.cqeSeen();
            if (c.notification()) {
                record(c, notices);
                notifsPending--;
            }
        }
        return new Sent(sent, ring.enterCalls() - enters0);
    }

    private static void record(Cqe c, KernelNotices notices) {
        notices.reported++;
        if (c.reportsCopied()) notices.copied++;
    }
}

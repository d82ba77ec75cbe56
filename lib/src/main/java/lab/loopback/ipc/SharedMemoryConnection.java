package lab.loopback.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * One end of a {@link SharedMemoryRing}: writes claim space in the outbound ring and copy into it, reads copy out
 * of the inbound ring (a message longer than the reader's buffer is consumed over several reads). An empty or
 * full ring is waited on with Agrona's back-off (spin, then yield, then park up to {@value #MAX_PARK_MICROS} µs):
 * no kernel wake-up exists here, which is both the ring's speed and its CPU cost. While waiting it checks the
 * rendezvous socket; the peer closing it without end of stream, or {@value #IDLE_LIMIT_SECONDS} s without
 * progress, ends the wait with an error instead of spinning forever.
 */
final class SharedMemoryConnection implements Connection {
    static final int DATA = 1, END = 2;
    static final int MAX_PARK_MICROS = 100;
    static final long IDLE_LIMIT_SECONDS = 60;
    private final MemorySegment mapping;
    private final long inBase, outBase;
    private final OneToOneRingBuffer in, out;
    private final UnixSocket control;
    private final IdleStrategy idle = new BackoffIdleStrategy(1_000, 100, 1_000, MAX_PARK_MICROS * 1_000L);
    private final MemorySegment pfd = Arena.ofAuto().allocate(PollFd.LAYOUT);
    private final MemorySegment endMark = Arena.ofAuto().allocate(1);
    private final ControlledMessageHandler copyOut = this::copyOut;
    private MemorySegment dst;
    private long wanted, copied, headOffset;
    private boolean ended, outputEnded, closed;

    SharedMemoryConnection(MemorySegment mapping, int inRing, int outRing, UnixSocket control) {
        this.mapping = mapping;
        this.inBase = inRing * SharedMemoryRing.RING_BYTES;
        this.outBase = outRing * SharedMemoryRing.RING_BYTES;
        this.in = ring(mapping, inBase);
        this.out = ring(mapping, outBase);
        this.control = control;
    }

    private static OneToOneRingBuffer ring(MemorySegment mapping, long base) {
        return new OneToOneRingBuffer(new UnsafeBuffer(mapping.address() + base, (int) SharedMemoryRing.RING_BYTES));
    }

    @Override
    public long read(MemorySegment buf, long len) {
        if (ended || len == 0) return 0; // as read(2) with a zero length
        dst = buf;
        wanted = len;
        long idleSince = 0;
        for (int idles = 0; ; idles++) {
            copied = 0;
            if (in.controlledRead(copyOut, 1) > 0 || copied > 0 || ended) {
                idle.reset();
                return copied;
            }
            idleSince = waitOnce(idles, idleSince, "read");
        }
    }

    private ControlledMessageHandler.Action copyOut(int type, org.agrona.MutableDirectBuffer b, int index, int length) {
        if (type == END) {
            ended = true;
            return ControlledMessageHandler.Action.COMMIT;
        }
        long take = Math.min(length - headOffset, wanted);
        MemorySegment.copy(mapping, inBase + index + headOffset, dst, 0, take);
        copied = take;
        headOffset += take;
        if (headOffset < length) return ControlledMessageHandler.Action.ABORT; // keep the rest for the next read
        headOffset = 0;
        return ControlledMessageHandler.Action.COMMIT;
    }

    @Override
    public long write(MemorySegment buf, long len) {
        if (outputEnded) throw new IllegalStateException("write after shutdownOutput");
        int n = (int) Math.min(len, out.maxMsgLength());
        return claimAndCopy(DATA, buf, n);
    }

    private int claimAndCopy(int type, MemorySegment src, int n) {
        long idleSince = 0;
        for (int idles = 0; ; idles++) {
            int index = out.tryClaim(type, n);
            if (index != RingBuffer.INSUFFICIENT_CAPACITY) {
                MemorySegment.copy(src, 0, mapping, outBase + index, n);
                out.commit(index);
                idle.reset();
                return n;
            }
            idleSince = waitOnce(idles, idleSince, "write");
        }
    }

    /** One back-off step; every 1024th also checks the peer and the idle limit. Returns when idling began. */
    private long waitOnce(int idles, long idleSince, String what) {
        idle.idle();
        if ((idles & 1023) != 1023) return idleSince;
        long now = System.nanoTime();
        if (idleSince == 0) return now;
        // a reader may still drain what the peer wrote before it went; a writer has nobody left to write to
        if (peerGone() && (what.equals("write") || in.size() == 0)) {
            throw new IllegalStateException(
                    "shm: the peer closed its end during a " + what + " without ending the stream");
        }
        if (now - idleSince > IDLE_LIMIT_SECONDS * 1_000_000_000L) {
            throw new IllegalStateException("shm: no progress for " + IDLE_LIMIT_SECONDS + " s during a " + what);
        }
        return idleSince;
    }

    /** The rendezvous socket carries nothing after the hand-over, so it turning readable means the peer closed it. */
    private boolean peerGone() {
        PollFd.set(pfd, 0, control.fd(), (short) (Net.POLLIN | Net.POLLHUP));
        return Libc.poll(pfd, 1, 0) > 0;
    }

    @Override
    public void shutdownOutput() {
        if (outputEnded) return;
        outputEnded = true;
        claimAndCopy(END, endMark, 1);
    }

    /** No descriptor carries the data; -1 (the rendezvous socket only signals liveness). */
    @Override
    public int fd() {
        return -1;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (!outputEnded) shutdownOutput();
        } catch (RuntimeException ignored) {
            // a vanished peer cannot take the end mark; closing goes on
        } finally {
            control.close();
            FileCalls.munmap(mapping);
        }
    }
}

package lab.loopback.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Syscall;

/**
 * A minimal, exact io_uring: io_uring_setup, the three mmap'd regions (SQ ring, CQ ring, SQE array),
 * io_uring_enter and IORING_REGISTER_PROBE, through raw syscalls — no liburing, whose shape it follows
 * ({@code prepSend}, {@code submitAndWait}, {@code peekCqe}/{@code cqeSeen}). One thread uses a ring.
 *
 * <p>Memory ordering as the kernel documents it: the application publishes SQEs by a store-release of the
 * SQ tail and reads the SQ head with load-acquire; it reads the CQ tail with load-acquire and frees CQEs by a
 * store-release of the CQ head.
 */
public final class IoUring implements AutoCloseable {
    static final long PARAMS_SIZE = 120, SQE_SIZE = 64, CQE_SIZE = 16;
    static final long IORING_OFF_SQ_RING = 0L, IORING_OFF_SQES = 0x10000000L;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_REGISTER_PROBE = 8;
    static final int IO_URING_OP_SUPPORTED = 1;
    // struct io_uring_params: sq_off at 40, cq_off at 80 (io_sqring_offsets / io_cqring_offsets, 40 bytes each)
    static final long P_SQ_ENTRIES = 0, P_CQ_ENTRIES = 4, P_FEATURES = 20, P_SQ_OFF = 40, P_CQ_OFF = 80;
    static final long OFF_HEAD = 0, OFF_TAIL = 4, OFF_MASK = 8, OFF_ENTRIES = 12, SQ_OFF_ARRAY = 24, CQ_OFF_CQES = 20;
    // struct io_uring_sqe
    static final long SQE_OPCODE = 0,
            SQE_FLAGS = 1,
            SQE_IOPRIO = 2,
            SQE_FD = 4,
            SQE_OFF = 8,
            SQE_ADDR = 16,
            SQE_LEN = 24,
            SQE_OP_FLAGS = 28,
            SQE_USER_DATA = 32,
            SQE_SPLICE_FD_IN = 44;

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final int fd;
    private final int features;
    private final MemorySegment rings, sqRing, cqRing, sqes;
    private final long sqHead, sqTail, sqArray, cqHead, cqTail, cqes;
    private final int sqMask, sqEntries, cqMask, cqEntries;
    private int sqLocalTail, pending;
    private long enterCalls;
    private boolean closed;

    private IoUring(int fd, MemorySegment params) {
        this.fd = fd;
        this.features = params.get(JAVA_INT, P_FEATURES);
        int sqN = params.get(JAVA_INT, P_SQ_ENTRIES), cqN = params.get(JAVA_INT, P_CQ_ENTRIES);
        long sqArrayOff = params.get(JAVA_INT, P_SQ_OFF + SQ_OFF_ARRAY),
                cqesOff = params.get(JAVA_INT, P_CQ_OFF + CQ_OFF_CQES);
        long sqSize = sqArrayOff + (long) sqN * Integer.BYTES, cqSize = cqesOff + (long) cqN * CQE_SIZE;
        MemorySegment sq = null, cq = null, entries = null;
        try {
            int prot = FileCalls.PROT_READ | FileCalls.PROT_WRITE,
                    flags = FileCalls.MAP_SHARED | FileCalls.MAP_POPULATE;
            if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
                sq = FileCalls.mmap(Math.max(sqSize, cqSize), prot, flags, fd, IORING_OFF_SQ_RING);
                cq = sq;
            } else {
                sq = FileCalls.mmap(sqSize, prot, flags, fd, IORING_OFF_SQ_RING);
                cq = FileCalls.mmap(cqSize, prot, flags, fd, 0x8000000L);
            }
            entries = FileCalls.mmap((long) sqN * SQE_SIZE, prot, flags, fd, IORING_OFF_SQES);
        } catch (RuntimeException e) {
            if (entries != null) FileCalls.munmap(entries);
            if (cq != null && cq != sq) FileCalls.munmap(cq);
            if (sq != null) FileCalls.munmap(sq);
            throw e;
        }
        this.rings = sq;
        this.sqRing = sq;
        this.cqRing = cq;
        this.sqes = entries;
        this.sqHead = params.get(JAVA_INT, P_SQ_OFF + OFF_HEAD);
        this.sqTail = params.get(JAVA_INT, P_SQ_OFF + OFF_TAIL);
        this.sqMask = sq.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + OFF_MASK));
        this.sqEntries = sq.get(JAVA_INT, params.get(JAVA_INT, P_SQ_OFF + OFF_ENTRIES));
        this.sqArray = sqArrayOff;
        this.cqHead = params.get(JAVA_INT, P_CQ_OFF + OFF_HEAD);
        this.cqTail = params.get(JAVA_INT, P_CQ_OFF + OFF_TAIL);
        this.cqMask = cq.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + OFF_MASK));
        this.cqEntries = cq.get(JAVA_INT, params.get(JAVA_INT, P_CQ_OFF + OFF_ENTRIES));
        this.cqes = cqesOff;
        this.sqLocalTail = (int) INT.getAcquire(sqRing, sqTail);
    }

    /** io_uring_setup(entries, params) as a raw result: the ring fd, or -errno. */
    static long setupRaw(int entries, int flags, MemorySegment params) {
        params.fill((byte) 0);
        params.set(JAVA_INT, 8, flags);
        return Syscall.sys(Syscall.IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /** A ring of (at least) {@code entries} SQEs; {@link IoUringUnavailableException} with the reason when the host refuses. */
    public static IoUring setup(int entries, int flags) {
        if (entries < 1 || entries > 32768)
            throw new IllegalArgumentException("ring size " + entries + " is outside 1 .. 32768");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(PARAMS_SIZE, 8);
            long r = setupRaw(entries, flags, params);
            if (r < 0) {
                throw new IoUringUnavailableException(IoUringSupport.explainHere((int) -r));
            }
            try {
                return new IoUring((int) r, params);
            } catch (RuntimeException e) {
                Libc.close((int) r);
                throw e;
            }
        }
    }

    public int fd() {
        return fd;
    }

    public int sqEntries() {
        return sqEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    public int features() {
        return features;
    }

    /** io_uring_enter calls this ring has made (the harness's own syscall count). */
    public long enterCalls() {
        return enterCalls;
    }

    // ---- submission ------------------------------------------------------------------------------------

    /** The next free SQE, zeroed, or an error when the SQ is full (submit first). */
    private MemorySegment nextSqe() {
        int head = (int) INT.getAcquire(sqRing, sqHead);
        if (sqLocalTail - head >= sqEntries)
            throw new IllegalStateException("submission queue full (" + sqEntries + " entries): submit first");
        int idx = sqLocalTail & sqMask;
        MemorySegment sqe = sqes.asSlice(idx * SQE_SIZE, SQE_SIZE);
        sqe.fill((byte) 0);
        sqRing.set(JAVA_INT, sqArray + (long) idx * Integer.BYTES, idx);
        sqLocalTail++;
        pending++;
        return sqe;
    }

    private MemorySegment prep(int op, int fd, long addr, int len, long off, long userData) {
        MemorySegment sqe = nextSqe();
        sqe.set(JAVA_BYTE, SQE_OPCODE, (byte) op);
        sqe.set(JAVA_INT, SQE_FD, fd);
        sqe.set(JAVA_LONG, SQE_OFF, off);
        sqe.set(JAVA_LONG, SQE_ADDR, addr);
        sqe.set(JAVA_INT, SQE_LEN, len);
        sqe.set(JAVA_LONG, SQE_USER_DATA, userData);
        return sqe;
    }

    public void prepNop(long userData) {
        prep(IoUringOp.NOP, -1, 0, 0, 0, userData);
    }

    public void prepSend(int sockfd, MemorySegment buf, int len, int msgFlags, long userData) {
        prep(IoUringOp.SEND, sockfd, buf.address(), len, 0, userData).set(JAVA_INT, SQE_OP_FLAGS, msgFlags);
    }

    /** IORING_OP_SEND_ZC; {@code zcFlags} go to sqe->ioprio (IORING_SEND_ZC_REPORT_USAGE, IORING_RECVSEND_POLL_FIRST). */
    public void prepSendZc(int sockfd, MemorySegment buf, int len, int msgFlags, int zcFlags, long userData) {
        MemorySegment sqe = prep(IoUringOp.SEND_ZC, sockfd, buf.address(), len, 0, userData);
        sqe.set(JAVA_INT, SQE_OP_FLAGS, msgFlags);
        sqe.set(JAVA_SHORT, SQE_IOPRIO, (short) zcFlags);
    }

    public void prepRecv(int sockfd, MemorySegment buf, int len, int msgFlags, long userData) {
        prep(IoUringOp.RECV, sockfd, buf.address(), len, 0, userData).set(JAVA_INT, SQE_OP_FLAGS, msgFlags);
    }

    /** IORING_OP_SPLICE; an offset of -1 means "use the file position" (required for pipes and sockets). */
    public void prepSplice(int fdIn, long offIn, int fdOut, long offOut, int len, int spliceFlags, long userData) {
        MemorySegment sqe = prep(IoUringOp.SPLICE, fdOut, offIn, len, offOut, userData);
        sqe.set(JAVA_INT, SQE_OP_FLAGS, spliceFlags);
        sqe.set(JAVA_INT, SQE_SPLICE_FD_IN, fdIn);
    }

    /** Publishes the prepared SQEs and tells the kernel; returns how many it consumed. */
    public int submit() {
        return enter(0, 0);
    }

    /** Publishes the prepared SQEs and waits until at least {@code waitNr} CQEs are there. */
    public int submitAndWait(int waitNr) {
        return enter(waitNr, waitNr > 0 ? IORING_ENTER_GETEVENTS : 0);
    }

    private int enter(int minComplete, int flags) {
        INT.setRelease(sqRing, sqTail, sqLocalTail);
        int toSubmit = pending;
        while (true) {
            enterCalls++;
            long r = Syscall.sys(Syscall.IO_URING_ENTER, fd, toSubmit, minComplete, flags, 0, 0);
            if (r >= 0) {
                pending -= (int) r;
                return (int) r;
            }
            if (r != -Errno.EINTR)
                throw new ErrnoException(
                        "io_uring_enter(" + fd + ", to_submit=" + toSubmit + ", min_complete=" + minComplete + ")",
                        (int) -r);
        }
    }

    // ---- completion ------------------------------------------------------------------------------------

    /** The oldest unseen CQE, or null when there is none; call {@link #cqeSeen()} after using it. */
    public Cqe peekCqe() {
        int head = cqRing.get(JAVA_INT, cqHead); // only this thread moves the head
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        if (head == tail) return null;
        long at = cqes + (long) (head & cqMask) * CQE_SIZE;
        return new Cqe(cqRing.get(JAVA_LONG, at), cqRing.get(JAVA_INT, at + 8), cqRing.get(JAVA_INT, at + 12));
    }

    public void cqeSeen() {
        int head = cqRing.get(JAVA_INT, cqHead);
        INT.setRelease(cqRing, cqHead, head + 1);
    }

    /** The next CQE, entering the kernel to wait for it if none is there; consumed. */
    public Cqe waitCqe() {
        Cqe c;
        while ((c = peekCqe()) == null) submitAndWait(1);
        cqeSeen();
        return c;
    }

    // ---- probe -----------------------------------------------------------------------------------------

    /** One opcode as IORING_REGISTER_PROBE reports it. */
    public record ProbeOp(int op, String name, boolean supported) {}

    /** IORING_REGISTER_PROBE: every opcode this kernel knows, and whether it supports it. */
    public List<ProbeOp> probe() {
        int nOps = 256;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(16 + nOps * 8L, 8);
            long r = Syscall.sys(Syscall.IO_URING_REGISTER, fd, IORING_REGISTER_PROBE, p.address(), nOps, 0, 0);
            if (r < 0) throw new ErrnoException("io_uring_register(" + fd + ", IORING_REGISTER_PROBE)", (int) -r);
            int lastOp = Byte.toUnsignedInt(p.get(JAVA_BYTE, 0)), opsLen = Byte.toUnsignedInt(p.get(JAVA_BYTE, 1));
            List<ProbeOp> out = new ArrayList<>();
            for (int i = 0; i < opsLen; i++) {
                long at = 16 + i * 8L;
                int op = Byte.toUnsignedInt(p.get(JAVA_BYTE, at));
                boolean ok = (p.get(JAVA_SHORT, at + 2) & IO_URING_OP_SUPPORTED) != 0 && op <= lastOp;
                out.add(new ProbeOp(op, IoUringOp.name(op), ok));
            }
            return out;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        FileCalls.munmap(sqes);
        if (cqRing != sqRing) FileCalls.munmap(cqRing);
        FileCalls.munmap(rings);
        Libc.close(fd);
    }
}

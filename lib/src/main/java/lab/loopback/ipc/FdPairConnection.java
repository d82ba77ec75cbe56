package lab.loopback.ipc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;

/**
 * A duplex stream made of two one-way descriptors (two pipes, two FIFOs): reads from one, writes to the other.
 * Ending the output closes the write end, which is how a pipe's reader learns of end of stream.
 */
final class FdPairConnection implements Connection {
    /**
     * How a side hands the pair back. FIFOs outlive connections, so the next connection must not meet the
     * previous one's descriptors: the listening side closes its read end before its write end, and the connecting
     * side, after ending its output, waits (bounded) for end of stream, which then means the listener's read end is
     * gone too. Fresh anonymous pipes need none of this.
     */
    enum Closing {
        PLAIN,
        FIFO_LISTENER,
        FIFO_CONNECTOR
    }

    static final int DRAIN_MILLIS = 5_000;
    private final int readFd;
    private final Closing closing;
    private int writeFd;
    private boolean closed;

    FdPairConnection(int readFd, int writeFd) {
        this(readFd, writeFd, Closing.PLAIN);
    }

    FdPairConnection(int readFd, int writeFd, Closing closing) {
        this.readFd = readFd;
        this.writeFd = writeFd;
        this.closing = closing;
    }

    @Override
    public long read(MemorySegment buf, long len) {
        return Libc.read(readFd, buf, len);
    }

    @Override
    public long write(MemorySegment buf, long len) {
        if (writeFd < 0) throw new IllegalStateException("write after shutdownOutput");
        return Libc.write(writeFd, buf, len);
    }

    @Override
    public void shutdownOutput() {
        closeQuietly(writeFd);
        writeFd = -1;
    }

    /** The read end. */
    @Override
    public int fd() {
        return readFd;
    }

    @Override
    public void close() {
        if (closed) return; // a second close must not hit a descriptor number the process has reused
        closed = true;
        if (closing == Closing.FIFO_LISTENER) closeQuietly(readFd);
        shutdownOutput();
        if (closing == Closing.FIFO_CONNECTOR) drainUntilEnd();
        if (closing != Closing.FIFO_LISTENER) closeQuietly(readFd);
    }

    /** Reads and drops what is left until the peer's end of stream, giving up after {@value #DRAIN_MILLIS} ms. */
    private void drainUntilEnd() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = a.allocate(PollFd.LAYOUT), buf = a.allocate(4096);
            long until = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
            while (System.nanoTime() < until) {
                PollFd.set(pfd, 0, readFd, (short) (Net.POLLIN | Net.POLLHUP));
                if (Libc.poll(pfd, 1, 100) > 0 && Libc.sysRead(readFd, buf, 4096) <= 0) return;
            }
        }
    }

    static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // gone either way
        }
    }
}

package lab.loopback.zerocopy;

import lab.loopback.measure.StreamRunner.Sent;

/**
 * One way of moving a file's bytes into a connected socket. Implementations open nothing they do not close,
 * stop after {@code size} bytes or at the deadline, and count the calls they make into the kernel.
 */
public interface FileSender {
    /** Stable id for tables and command lines, e.g. "sendfile". */
    String id();

    /** What the send side does with the bytes, from the kernel source (shown beside what was measured). */
    String sendSide();

    /** Sends {@code size} bytes of {@code fileFd} (from offset 0) to {@code sock} in pieces of at most {@code chunk}. */
    Sent send(int fileFd, long size, int sock, int chunk, long deadlineNanos, KernelNotices notices);
}

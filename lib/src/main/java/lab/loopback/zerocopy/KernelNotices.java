package lab.loopback.zerocopy;

/**
 * What the kernel itself said about a zero-copy send, when the technique asks it (MSG_ZEROCOPY's error-queue
 * notices, io_uring SEND_ZC's notification CQEs): how many sends it reported on, and how many of those it
 * says it copied after all. Zero sends reported means the technique has no such channel.
 */
public final class KernelNotices {
    long sends, reported, copied;

    /** Send calls / requests that asked for zero copy. */
    public long sends() {
        return sends;
    }

    /** Of those, how many the kernel's notices cover. */
    public long reported() {
        return reported;
    }

    /** Of those reported, how many the kernel says it copied. */
    public long copied() {
        return copied;
    }

    public boolean complete() {
        return sends > 0 && reported == sends;
    }
}

package lab.loopback.uring;

/** One completion queue entry, copied out of the ring ({@code struct io_uring_cqe}). */
public record Cqe(long userData, int res, int flags) {
    /** More CQEs will follow for the same request (a SEND_ZC's notification, say). */
    public boolean more() {
        return (flags & IoUringOp.IORING_CQE_F_MORE) != 0;
    }

    /** A SEND_ZC notification: the kernel has let go of the buffer. */
    public boolean notification() {
        return (flags & IoUringOp.IORING_CQE_F_NOTIF) != 0;
    }

    /** For a notification asked with IORING_SEND_ZC_REPORT_USAGE: the kernel copied the data after all. */
    public boolean reportsCopied() {
        return notification() && (res & IoUringOp.IORING_NOTIF_USAGE_ZC_COPIED) != 0;
    }
}

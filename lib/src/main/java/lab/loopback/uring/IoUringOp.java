package lab.loopback.uring;

import java.util.List;

/**
 * The io_uring opcodes and flags this binding uses, with the kernel's names and values
 * (include/uapi/linux/io_uring.h, {@code enum io_uring_op} and the flag defines).
 */
public final class IoUringOp {
    public static final int NOP = 0, SEND = 26, RECV = 27, SPLICE = 30, SEND_ZC = 47;

    /** sqe->ioprio for send/recv */
    public static final int IORING_RECVSEND_POLL_FIRST = 1, IORING_SEND_ZC_REPORT_USAGE = 1 << 3;
    /** cqe->flags */
    public static final int IORING_CQE_F_BUFFER = 1,
            IORING_CQE_F_MORE = 1 << 1,
            IORING_CQE_F_SOCK_NONEMPTY = 1 << 2,
            IORING_CQE_F_NOTIF = 1 << 3;
    /** cqe->res of a notification CQE when IORING_SEND_ZC_REPORT_USAGE was asked: the data was (at least partly) copied. */
    public static final int IORING_NOTIF_USAGE_ZC_COPIED = 1 << 31;
    /** sqe->splice_flags extension: splice_fd_in is a registered file */
    public static final int SPLICE_F_FD_IN_FIXED = 1 << 31;

    /** Names of opcodes 0..59 in enum order (Linux 6.15's header); later ones print as their number. */
    static final List<String> NAMES = List.of(
            "NOP",
            "READV",
            "WRITEV",
            "FSYNC",
            "READ_FIXED",
            "WRITE_FIXED",
            "POLL_ADD",
            "POLL_REMOVE",
            "SYNC_FILE_RANGE",
            "SENDMSG",
            "RECVMSG",
            "TIMEOUT",
            "TIMEOUT_REMOVE",
            "ACCEPT",
            "ASYNC_CANCEL",
            "LINK_TIMEOUT",
            "CONNECT",
            "FALLOCATE",
            "OPENAT",
            "CLOSE",
            "FILES_UPDATE",
            "STATX",
            "READ",
            "WRITE",
            "FADVISE",
            "MADVISE",
            "SEND",
            "RECV",
            "OPENAT2",
            "EPOLL_CTL",
            "SPLICE",
            "PROVIDE_BUFFERS",
            "REMOVE_BUFFERS",
            "TEE",
            "SHUTDOWN",
            "RENAMEAT",
            "UNLINKAT",
            "MKDIRAT",
            "SYMLINKAT",
            "LINKAT",
            "MSG_RING",
            "FSETXATTR",
            "SETXATTR",
            "FGETXATTR",
            "GETXATTR",
            "SOCKET",
            "URING_CMD",
            "SEND_ZC",
            "SENDMSG_ZC",
            "READ_MULTISHOT",
            "WAITID",
            "FUTEX_WAIT",
            "FUTEX_WAKE",
            "FUTEX_WAITV",
            "FIXED_FD_INSTALL",
            "FTRUNCATE",
            "BIND",
            "LISTEN",
            "RECV_ZC",
            "EPOLL_WAIT");

    private IoUringOp() {}

    /** "IORING_OP_SEND_ZC", or "opcode 63" past the names this binding knows. */
    public static String name(int op) {
        return op >= 0 && op < NAMES.size() ? "IORING_OP_" + NAMES.get(op) : "opcode " + op;
    }
}

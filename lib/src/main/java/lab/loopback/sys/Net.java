package lab.loopback.sys;

/** Socket-layer constants with the kernel's names and x86-64/generic Linux values (include/linux/socket.h, uapi headers). */
public final class Net {
    private Net() {}

    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6;
    public static final int SO_REUSEADDR = 2,
            SO_TYPE = 3,
            SO_ERROR = 4,
            SO_SNDBUF = 7,
            SO_RCVBUF = 8,
            SO_RCVLOWAT = 18,
            SO_PEERCRED = 17,
            SO_ZEROCOPY = 60,
            SO_BUSY_POLL = 46,
            SO_MEMINFO = 55,
            SO_INCOMING_NAPI_ID = 56;
    /** cmsg type carrying file descriptors over AF_UNIX. */
    public static final int SCM_RIGHTS = 1;

    public static final int TCP_NODELAY = 1,
            TCP_MAXSEG = 2,
            TCP_CORK = 3,
            TCP_INFO = 11,
            TCP_CONGESTION = 13,
            TCP_FASTOPEN = 23,
            TCP_NOTSENT_LOWAT = 25,
            TCP_FASTOPEN_CONNECT = 30;
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public static final int MSG_PEEK = 0x2,
            MSG_DONTWAIT = 0x40,
            MSG_WAITALL = 0x100,
            MSG_NOSIGNAL = 0x4000,
            MSG_ERRQUEUE = 0x2000,
            MSG_ZEROCOPY = 0x4000000,
            MSG_TRUNC = 0x20,
            MSG_FASTOPEN = 0x20000000,
            MSG_CMSG_CLOEXEC = 0x40000000;
    public static final short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10;

    /** 127.0.0.1 as the four bytes of an IPv4 address. */
    public static final byte[] LOOPBACK_V4 = {127, 0, 0, 1};

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200, O_CLOEXEC = 0x80000;
}

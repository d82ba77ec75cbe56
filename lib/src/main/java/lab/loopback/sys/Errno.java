package lab.loopback.sys;

import java.util.Map;

/** Symbolic names of the errno values (asm-generic/errno-base.h, errno.h) this workbench can meet. */
public final class Errno {
    public static final int EPERM = 1,
            ENOENT = 2,
            EINTR = 4,
            EIO = 5,
            EBADF = 9,
            EAGAIN = 11,
            ENOMEM = 12,
            EACCES = 13,
            EFAULT = 14,
            EBUSY = 16,
            EEXIST = 17,
            EINVAL = 22,
            ENFILE = 23,
            EMFILE = 24,
            ENOSPC = 28,
            EPIPE = 32,
            ENOSYS = 38,
            ENOTSOCK = 88,
            EMSGSIZE = 90,
            ENOPROTOOPT = 92,
            EPROTONOSUPPORT = 93,
            EOPNOTSUPP = 95,
            EAFNOSUPPORT = 97,
            EADDRINUSE = 98,
            EADDRNOTAVAIL = 99,
            ENETUNREACH = 101,
            ECONNABORTED = 103,
            ECONNRESET = 104,
            ENOBUFS = 105,
            EISCONN = 106,
            ENOTCONN = 107,
            ETIMEDOUT = 110,
            ECONNREFUSED = 111,
            EALREADY = 114,
            EINPROGRESS = 115;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"),
            Map.entry(ENOENT, "ENOENT"),
            Map.entry(EINTR, "EINTR"),
            Map.entry(EIO, "EIO"),
            Map.entry(EBADF, "EBADF"),
            Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"),
            Map.entry(EFAULT, "EFAULT"),
            Map.entry(EBUSY, "EBUSY"),
            Map.entry(EEXIST, "EEXIST"),
            Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENFILE, "ENFILE"),
            Map.entry(EMFILE, "EMFILE"),
            Map.entry(ENOSPC, "ENOSPC"),
            Map.entry(EPIPE, "EPIPE"),
            Map.entry(ENOSYS, "ENOSYS"),
            Map.entry(ENOTSOCK, "ENOTSOCK"),
            Map.entry(EMSGSIZE, "EMSGSIZE"),
            Map.entry(ENOPROTOOPT, "ENOPROTOOPT"),
            Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT"),
            Map.entry(EADDRINUSE, "EADDRINUSE"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            Map.entry(ENETUNREACH, "ENETUNREACH"),
            Map.entry(ECONNABORTED, "ECONNABORTED"),
            Map.entry(ECONNRESET, "ECONNRESET"),
            Map.entry(ENOBUFS, "ENOBUFS"),
            Map.entry(EISCONN, "EISCONN"),
            Map.entry(ENOTCONN, "ENOTCONN"),
            Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(ECONNREFUSED, "ECONNREFUSED"),
            Map.entry(EALREADY, "EALREADY"),
            Map.entry(EINPROGRESS, "EINPROGRESS"));

    private Errno() {}

    /** "ECONNREFUSED", or "errno 200" for a value this table does not name. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}

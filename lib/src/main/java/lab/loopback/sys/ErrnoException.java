package lab.loopback.sys;

import java.io.Serial;

/** A libc call returned -1: names the call, its arguments, the errno and the C library's own text for it. */
public final class ErrnoException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}

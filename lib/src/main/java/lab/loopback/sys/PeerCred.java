package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * SO_PEERCRED, struct ucred {pid, uid, gid}: who the kernel says is at the other end, as recorded when the
 * connection was made. Only AF_UNIX (and socketpair) sockets carry it; a TCP socket reports pid 0 and
 * uid/gid -1 (4294967295): the kernel knows nothing of a TCP peer's identity.
 */
public record PeerCred(int pid, long uid, long gid) {
    public static PeerCred of(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(12, 4);
            MemorySegment len = a.allocateFrom(JAVA_INT, 12);
            Libc.getsockopt(fd, Net.SOL_SOCKET, Net.SO_PEERCRED, v, len);
            return new PeerCred(
                    v.get(JAVA_INT, 0),
                    Integer.toUnsignedLong(v.get(JAVA_INT, 4)),
                    Integer.toUnsignedLong(v.get(JAVA_INT, 8)));
        }
    }

    /** The kernel has an identity for the peer. */
    public boolean known() {
        return uid != 0xffffffffL;
    }
}

package lab.loopback.ipc;

import java.lang.foreign.Arena;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PeerCred;
import lab.loopback.sys.SockAddrUn;

/** An AF_UNIX stream socket bound to or connected to a filesystem path, through {@link Libc}. */
public final class UnixSocket extends SocketConnection {
    private UnixSocket(int fd) {
        super(fd);
    }

    /** socket + bind + listen; the descriptor is closed again if a step fails. The path must not exist yet. */
    public static UnixSocket listen(String path, int backlog) {
        UnixSocket s = new UnixSocket(Libc.socket(Net.AF_UNIX, Net.SOCK_STREAM | Net.SOCK_CLOEXEC, 0));
        try (Arena a = Arena.ofConfined()) {
            Libc.bind(s.fd, new SockAddrUn(path).allocate(a), SockAddrUn.SIZE);
            Libc.listen(s.fd, backlog);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public static UnixSocket connect(String path) {
        UnixSocket s = new UnixSocket(Libc.socket(Net.AF_UNIX, Net.SOCK_STREAM | Net.SOCK_CLOEXEC, 0));
        try (Arena a = Arena.ofConfined()) {
            Libc.connect(s.fd, new SockAddrUn(path).allocate(a), SockAddrUn.SIZE);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public UnixSocket accept() {
        return new UnixSocket(Libc.accept4(fd, Net.SOCK_CLOEXEC));
    }

    /** The connecting process's pid, uid and gid as the kernel recorded them at connect(). */
    public PeerCred peerCred() {
        return PeerCred.of(fd);
    }
}

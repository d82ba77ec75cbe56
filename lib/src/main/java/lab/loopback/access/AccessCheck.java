package lab.loopback.access;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.UnixSocket;
import lab.loopback.measure.ChildJvm;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PeerCred;
import lab.loopback.sys.PollFd;
import lab.loopback.sys.SockAddrIn;

/**
 * SEC-2's test: this process (root) listens on 127.0.0.1, on an AF_UNIX socket in a 0700 directory, and on
 * one in a 0755 directory with a 0777 socket; a child whose thread runs as another uid tries to connect to
 * each. What the kernel allowed, and what SO_PEERCRED tells the listener about whoever connected.
 */
public final class AccessCheck {
    public static final int NOBODY = 65534;
    static final long WAIT_MILLIS = 30_000;

    /** One listener and what happened when the other uid tried it. */
    public record Attempt(
            String listener,
            String protection,
            boolean connected,
            String error,
            boolean accepted,
            long peerUid,
            int peerPid,
            boolean peerKnown) {}

    /** All attempts, with the prober's credentials as /proc/thread-self/status showed them after the drop. */
    public record Result(int uid, int gid, String proberCredentials, List<Attempt> attempts) {
        public Attempt of(String listener) {
            return attempts.stream()
                    .filter(a -> a.listener().equals(listener))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private AccessCheck() {}

    /** Why the check cannot run here, or null: it must switch a thread to another uid, which needs root. */
    public static String unavailable() {
        return Libc.geteuid() == 0
                ? null
                : "trying another uid needs root (to switch a child's thread to it); this process runs as uid "
                        + Libc.geteuid();
    }

    public static Result run(int uid, int gid) {
        String why = unavailable();
        if (why != null) throw new IllegalStateException(why);
        Path base = null;
        try {
            base = Files.createTempDirectory("loopback-lab-access-");
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path closed = Files.createDirectory(base.resolve("private"));
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
            Path open = Files.createDirectory(base.resolve("shared"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            String closedSock = closed.resolve("s").toString(),
                    openSock = open.resolve("s").toString();
            try (TcpSocket tcp = TcpSocket.listen(SockAddrIn.loopback(0), 4);
                    UnixSocket inClosed = UnixSocket.listen(closedSock, 4);
                    UnixSocket inOpen = UnixSocket.listen(openSock, 4)) {
                Files.setPosixFilePermissions(Path.of(openSock), PosixFilePermissions.fromString("rwxrwxrwx"));
                String tcpTarget = "tcp:" + tcp.localAddress().port();
                try (ChildJvm probe = ChildJvm.start(
                        AccessProbeMain.class,
                        List.of(
                                Integer.toString(uid),
                                Integer.toString(gid),
                                tcpTarget,
                                "unix:" + closedSock,
                                "unix:" + openSock))) {
                    String creds = probe.expect(AccessProbeMain.Creds.class, WAIT_MILLIS)
                            .thread();
                    AccessProbeMain.Try[] tries = {
                        probe.expect(AccessProbeMain.Try.class, WAIT_MILLIS),
                        probe.expect(AccessProbeMain.Try.class, WAIT_MILLIS),
                        probe.expect(AccessProbeMain.Try.class, WAIT_MILLIS)
                    };
                    probe.expect(AccessProbeMain.Done.class, WAIT_MILLIS);
                    List<Attempt> out = new ArrayList<>();
                    out.add(attempt("TCP 127.0.0.1", "none (any local process may connect)", tries[0], tcp.fd()));
                    out.add(attempt(
                            "AF_UNIX in a 0700 directory", "directory mode 0700, owner root", tries[1], inClosed.fd()));
                    out.add(attempt(
                            "AF_UNIX in a 0755 directory, socket 0777",
                            "socket file mode 0777",
                            tries[2],
                            inOpen.fd()));
                    return new Result(uid, gid, creds, out);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the access check directories: " + e.getMessage(), e);
        } finally {
            if (base != null) deleteTree(base);
        }
    }

    /** The prober's verdict for one target, and what the listener saw (accepting with a short wait: the connection is queued already). */
    private static Attempt attempt(String listener, String protection, AccessProbeMain.Try tried, int listenFd) {
        boolean ok = tried.result().equals("ok");
        boolean accepted = false;
        long uid = -1;
        int pid = 0;
        boolean known = false;
        if (readable(listenFd, ok ? 5_000 : 0)) {
            int fd = Libc.accept4(listenFd, Net.SOCK_CLOEXEC);
            try {
                accepted = true;
                PeerCred c = PeerCred.of(fd);
                uid = c.uid();
                pid = c.pid();
                known = c.known();
            } finally {
                Libc.close(fd);
            }
        }
        return new Attempt(listener, protection, ok, ok ? "" : tried.result(), accepted, uid, pid, known);
    }

    private static boolean readable(int fd, int millis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(PollFd.LAYOUT);
            PollFd.set(p, 0, fd, Net.POLLIN);
            return Libc.poll(p, 1, millis) > 0 && (PollFd.revents(p, 0) & Net.POLLIN) != 0;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temp directory
        }
    }
}

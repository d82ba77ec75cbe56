package lab.loopback.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drops the calling thread's identity to an unprivileged uid and gid for good. Linux keeps credentials per
 * task and glibc's setresuid() changes every thread of the process; the raw system calls change only the
 * caller, so a child process can keep a root main thread while one thread acts as, say, nobody. Irreversible
 * for that thread: its capabilities are cleared with the uid change.
 */
public final class ThreadCredentials {
    private ThreadCredentials() {}

    private record Numbers(long setgroups, long setresgid, long setresuid) {}

    private static Numbers numbers() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> new Numbers(116, 119, 117);
            case "aarch64", "arm64" -> new Numbers(159, 149, 147);
            default ->
                throw new UnsupportedOperationException(
                        "no syscall numbers for architecture " + System.getProperty("os.arch"));
        };
    }

    /** setgroups(0), setresgid(gid×3), setresuid(uid×3) on this thread only. */
    public static void dropThreadTo(int uid, int gid) {
        if (uid <= 0 || gid <= 0)
            throw new IllegalArgumentException("uid " + uid + " / gid " + gid + " must be an unprivileged id (> 0)");
        Numbers n = numbers();
        check("setgroups(0, NULL)", Syscall.sys(n.setgroups(), 0, 0, 0, 0, 0, 0));
        check("setresgid(" + gid + ")", Syscall.sys(n.setresgid(), gid, gid, gid, 0, 0, 0));
        check("setresuid(" + uid + ")", Syscall.sys(n.setresuid(), uid, uid, uid, 0, 0, 0));
    }

    private static void check(String call, long r) {
        if (r < 0) throw new ErrnoException(call + " (this thread only)", (int) -r);
    }

    /** The Uid: and Gid: lines of /proc/thread-self/status (real, effective, saved, filesystem). */
    public static String describeThread() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("Uid:") || l.startsWith("Gid:") || l.startsWith("Groups:"))
                    .map(l -> l.replaceAll("\\s+", " ").strip())
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("?");
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}

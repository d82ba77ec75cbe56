package lab.loopback.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;

/**
 * Where tracefs is on this host, or exactly why it cannot be used. Mounting it at /sys/kernel/tracing is
 * tried only as root and only when it is not mounted anywhere; {@link #mountedHere()} tells the caller
 * whether to unmount again.
 */
public record Tracefs(Path root, boolean mountedHere, String unavailable) {
    static final List<Path> CANDIDATES = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));

    public boolean available() {
        return unavailable == null;
    }

    /** Whether {@link #locate locate(true)} would find tracefs usable, without mounting it: mounted and writable, or mountable as root. */
    public static boolean reachable() {
        return locate(false).available() || (Libc.geteuid() == 0 && Files.isDirectory(CANDIDATES.getFirst()));
    }

    public static Tracefs locate(boolean mountIfAbsent) {
        for (Path p : CANDIDATES) {
            if (!Files.isRegularFile(p.resolve("trace"))) continue;
            // a private instance is a mkdir under instances/: without write access there, nothing can be recorded
            if (!Files.isWritable(p.resolve("instances"))) {
                return new Tracefs(
                        null,
                        false,
                        "tracefs is mounted at " + p + " but " + p.resolve("instances") + " is not writable by uid "
                                + Libc.geteuid() + " (root is needed)");
            }
            return new Tracefs(p, false, null);
        }
        if (Libc.geteuid() != 0) {
            Path first = CANDIDATES.getFirst();
            if (Files.isDirectory(first) && !Files.isReadable(first)) {
                return new Tracefs(
                        null,
                        false,
                        first + " is not readable by uid " + Libc.geteuid() + " (tracefs is root's; run as root)");
            }
            return new Tracefs(
                    null,
                    false,
                    "tracefs is not mounted and this process is not root (uid " + Libc.geteuid()
                            + "), so it cannot mount it");
        }
        if (!mountIfAbsent) return new Tracefs(null, false, "tracefs is not mounted");
        Path target = CANDIDATES.getFirst();
        if (!Files.isDirectory(target))
            return new Tracefs(null, false, target + " does not exist: this kernel has no tracefs mount point");
        Command c = Command.run(10_000, "mount", "-t", "tracefs", "nodev", target.toString());
        if (!c.ok() || !Files.isRegularFile(target.resolve("trace"))) {
            return new Tracefs(
                    null,
                    false,
                    "mount -t tracefs nodev " + target + " failed: "
                            + Command.firstLine(c.stderr() + "\nexit " + c.exitCode()));
        }
        return new Tracefs(target, true, null);
    }

    /** Unmounts tracefs if this process mounted it. */
    public void release() {
        if (mountedHere) Command.run(10_000, "umount", root.toString());
    }

    public boolean hasEvent(String systemAndName) {
        return available() && Files.isDirectory(root.resolve("events").resolve(systemAndName));
    }
}

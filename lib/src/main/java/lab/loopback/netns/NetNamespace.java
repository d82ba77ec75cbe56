package lab.loopback.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Namespaces;
import lab.loopback.sys.Owner;

/**
 * A network namespace the workbench created itself, named {@code llab-<pid>-<n>} so that a later run can tell
 * its own leftovers (owner pid gone) from anything else on the host. Made and removed with iproute2
 * ({@code ip netns add/delete}: the same commands a reader types to reproduce it, and the /run/netns bind
 * mount other tools see); entered with setns(2) through FFM for sockets this JVM opens, and with
 * {@code ip netns exec} for child processes. Closing it kills what still runs inside and deletes it; the
 * veth ends and nftables tables inside go with it.
 */
public final class NetNamespace implements AutoCloseable {
    static final String PREFIX = "llab-";
    static final Path RUN = Path.of("/run/netns");
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final String name;
    private boolean closed;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** Why namespaces cannot be made here, or null when they can: root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2. */
    public static String unavailable() {
        if (Libc.geteuid() != 0)
            return "creating network namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); this process runs as uid "
                    + Libc.geteuid();
        if (Command.which("ip") == null) return "iproute2's `ip` is not installed (apt install iproute2)";
        return null;
    }

    /** Creates a namespace with lo up, after removing leftovers of dead workbench processes. */
    public static NetNamespace create() {
        String why = unavailable();
        if (why != null) throw new IllegalStateException(why);
        sweepLeftovers();
        NetNamespace ns = new NetNamespace(PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        iproute("netns", "add", ns.name);
        try {
            ns.ip("link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip -n NAME args…} and returns its output; a failure names the command and what ip said. */
    public String ip(String... args) {
        List<String> a = new ArrayList<>(List.of("-n", name));
        a.addAll(List.of(args));
        return iproute(a.toArray(String[]::new));
    }

    /** Runs {@code argv} inside this namespace (ip netns exec) and returns the finished command. */
    public Command exec(long timeoutMillis, String... argv) {
        List<String> cmd = new ArrayList<>(execPrefix());
        cmd.addAll(List.of(argv));
        return Command.run(cmd, timeoutMillis);
    }

    /** The prefix that starts a program inside this namespace; ip execs it in place, so the pid is the program's. */
    public List<String> execPrefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Calls {@code action} on a fresh thread that has joined this namespace; sockets it opens live here for good. */
    public <T> T call(Callable<T> action) {
        Path nsFile = RUN.resolve(name);
        FutureTask<T> task = new FutureTask<>(() -> {
            Namespaces.enterNet(nsFile);
            return action.call();
        });
        Thread t = Thread.ofPlatform().name("netns-" + name).start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted inside namespace " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(
                    "in namespace " + name + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills every process still inside, then deletes the namespace; safe to call twice. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        delete(name);
    }

    /** Workbench namespaces whose owning process is gone (a killed run); each is deleted. Returns their names. */
    public static List<String> sweepLeftovers() {
        List<String> removed = new ArrayList<>();
        for (String n : ours()) {
            if (!Owner.leftBehind(n, PREFIX)) continue;
            delete(n);
            removed.add(n);
        }
        return removed;
    }

    /**
     * Whether the calling thread is inside one of the workbench's namespaces: its namespace inode equals that of a
     * /run/netns/llab-* mount. (pid 1's namespace is not always readable, even by root in a container.)
     */
    public static boolean threadInsideOurs() {
        long mine = Namespaces.netInode("thread-self");
        if (mine <= 0) return false;
        for (String n : ours()) {
            try {
                if (((Number) Files.getAttribute(RUN.resolve(n), "unix:ino")).longValue() == mine) return true;
            } catch (IOException | RuntimeException e) {
                // unreadable: not proof
            }
        }
        return false;
    }

    /** Every namespace under /run/netns with the workbench prefix, whoever made it. */
    public static List<String> ours() {
        if (!Files.isDirectory(RUN)) return List.of();
        try (var s = Files.list(RUN)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void delete(String name) {
        Command pids = Command.run(5_000, "ip", "netns", "pids", name);
        for (String p : pids.stdout().split("\\s+")) {
            if (p.isBlank()) continue;
            ProcessHandle.of(Long.parseLong(p.trim())).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit()
                        .orTimeout(5, TimeUnit.SECONDS)
                        .exceptionally(x -> null)
                        .join();
            });
        }
        Command c = Command.run(10_000, "ip", "netns", "delete", name);
        if (!c.ok() && Files.exists(RUN.resolve(name))) {
            throw new IllegalStateException(
                    "`ip netns delete " + name + "` failed: " + c.stderr().strip());
        }
    }

    static String iproute(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Command c = Command.run(cmd, 10_000);
        if (!c.ok())
            throw new IllegalStateException("`" + String.join(" ", cmd) + "` failed (exit " + c.exitCode() + "): "
                    + c.stderr().strip());
        return c.stdout();
    }

    @Override
    public String toString() {
        return name;
    }
}

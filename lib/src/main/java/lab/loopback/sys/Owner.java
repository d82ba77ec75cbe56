package lab.loopback.sys;

/**
 * Things the workbench creates outside its own process (namespaces, tracefs instances, ring files) are named
 * PREFIX-PID-N after the process that made them, so the next run can tell a killed run's leftovers from
 * another run's live ones. One parser and one liveness rule for all of them.
 */
public final class Owner {
    private Owner() {}

    /** The PID in {@code name} = {@code prefix} + PID + "-" + N, or -1 when the name is not of that form. */
    public static long pidIn(String name, String prefix) {
        if (!name.startsWith(prefix)) return -1;
        String[] parts = name.substring(prefix.length()).split("-");
        if (parts.length != 2 || !parts[0].matches("\\d{1,10}") || !parts[1].matches("\\d+")) return -1;
        return Long.parseLong(parts[0]);
    }

    /** True when {@code pid} names no live process (and is not this one). */
    public static boolean gone(long pid) {
        if (pid == ProcessHandle.current().pid()) return false;
        return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** True when {@code name} is one of ours (see {@link #pidIn}) and its maker is gone. */
    public static boolean leftBehind(String name, String prefix) {
        long pid = pidIn(name, prefix);
        return pid > 0 && gone(pid);
    }
}

package lab.loopback.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's context switches as the kernel counts them (/proc/thread-self/status): voluntary ones are
 * the thread going to sleep (a blocking wait), involuntary ones the scheduler taking the CPU away.
 */
public record ThreadSwitches(long voluntary, long involuntary) {
    private static final Path STATUS = Path.of("/proc/thread-self/status");

    /** Now, or (-1, -1) where /proc is not mounted. */
    public static ThreadSwitches now() {
        long v = -1, i = -1;
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("voluntary_ctxt_switches:"))
                    v = Long.parseLong(line.substring(24).trim());
                else if (line.startsWith("nonvoluntary_ctxt_switches:"))
                    i = Long.parseLong(line.substring(27).trim());
            }
        } catch (IOException | NumberFormatException e) {
            return new ThreadSwitches(-1, -1);
        }
        return new ThreadSwitches(v, i);
    }

    public ThreadSwitches minus(ThreadSwitches earlier) {
        if (voluntary < 0 || earlier.voluntary < 0) return new ThreadSwitches(-1, -1);
        return new ThreadSwitches(voluntary - earlier.voluntary, involuntary - earlier.involuntary);
    }
}

package lab.loopback.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's context switches as the kernel counts them in {@code /proc/thread-self/status}: voluntary (it
 * slept: a blocking call waited) and involuntary (it was preempted while runnable — a spinning thread is, each time
 * the scheduler lets another task in).
 */
public record ThreadSwitches(long voluntary, long involuntary) {
    public static final ThreadSwitches UNKNOWN = new ThreadSwitches(-1, -1);
    private static final Path STATUS = Path.of("/proc/thread-self/status");

    /** Now, or {@link #UNKNOWN} where /proc cannot tell (not mounted, or a kernel without thread-self). */
    public static ThreadSwitches now() {
        try {
            return parse(Files.readString(STATUS));
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The two counters from the text of a {@code status} file; {@link #UNKNOWN} when either line is missing. */
    static ThreadSwitches parse(String status) {
        long voluntary = -1, involuntary = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:")) voluntary = value(line);
            else if (line.startsWith("nonvoluntary_ctxt_switches:")) involuntary = value(line);
        }
        return voluntary < 0 || involuntary < 0 ? UNKNOWN : new ThreadSwitches(voluntary, involuntary);
    }

    private static long value(String line) {
        try {
            return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public boolean known() {
        return voluntary >= 0 && involuntary >= 0;
    }

    /** The switches since {@code earlier}, or {@link #UNKNOWN} when either reading is. */
    public ThreadSwitches minus(ThreadSwitches earlier) {
        if (!known() || !earlier.known()) return UNKNOWN;
        return new ThreadSwitches(voluntary - earlier.voluntary, involuntary - earlier.involuntary);
    }
}

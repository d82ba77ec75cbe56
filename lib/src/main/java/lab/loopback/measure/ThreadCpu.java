package lab.loopback.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * User and system CPU time of the calling thread: the total from CLOCK_THREAD_CPUTIME_ID (nanoseconds, exact), the
 * user part from the task's utime, which the kernel samples at the tick (10 ms here). A 16 MiB transfer takes a few
 * ms, so a tick that lands in user mode makes utime alone exceed the total; a difference therefore caps the user
 * part at the total, and user + sys is always the exact total.
 */
public record ThreadCpu(long userNanos, long totalNanos) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static ThreadCpu now() {
        return new ThreadCpu(THREADS.getCurrentThreadUserTime(), THREADS.getCurrentThreadCpuTime());
    }

    public ThreadCpu minus(ThreadCpu earlier) {
        long total = totalNanos - earlier.totalNanos;
        return new ThreadCpu(Math.clamp(userNanos - earlier.userNanos, 0, Math.max(0, total)), total);
    }

    public long sysNanos() {
        return Math.max(0, totalNanos - userNanos);
    }
}

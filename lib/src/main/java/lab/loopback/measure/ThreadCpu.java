package lab.loopback.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** User and system CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID and the task's utime). */
public record ThreadCpu(long userNanos, long totalNanos) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static ThreadCpu now() {
        return new ThreadCpu(THREADS.getCurrentThreadUserTime(), THREADS.getCurrentThreadCpuTime());
    }

    public ThreadCpu minus(ThreadCpu earlier) {
        return new ThreadCpu(userNanos - earlier.userNanos, totalNanos - earlier.totalNanos);
    }

    public long sysNanos() {
        return Math.max(0, totalNanos - userNanos);
    }
}

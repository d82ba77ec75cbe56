package lab.loopback.sys;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long a task has run on a CPU, as the scheduler accounts it: the first field of {@code /proc/.../schedstat}, in
 * nanoseconds, exact (not sampled at the tick); -1 when it cannot be read (the task is gone, or CONFIG_SCHED_INFO is
 * off). Softirq work a task's syscall runs on the way out is in the task's time here (no IRQ time accounting).
 */
public final class TaskRuntime {
    private TaskRuntime() {}

    /** The run time {@code schedstat} (a task's or a thread's file) gives; -1 unreadable. */
    public static long read(Path schedstat) {
        try {
            String line = ProcFiles.read(schedstat).strip();
            int space = line.indexOf(' ');
            return Long.parseLong(space < 0 ? line : line.substring(0, space));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** One thread's run time ({@code tid} of process {@code pid}). */
    public static long ofThread(long pid, long tid) {
        return read(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "schedstat"));
    }

    /** The run time of every thread process {@code pid} has now, summed; -1 when one of them is unreadable. */
    public static long ofProcess(long pid) {
        long sum = 0;
        int threads = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                long r = read(t.resolve("schedstat"));
                if (r < 0) return -1;
                sum += r;
                threads++;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return threads == 0 ? -1 : sum;
    }
}

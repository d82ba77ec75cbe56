package lab.loopback.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.sys.TaskRuntime;

/**
 * The per-CPU softirq threads, ksoftirqd/N, and the CPU time each has run ({@code /proc/PID/schedstat}'s first field,
 * nanoseconds, exact). On loopback the receive half of every segment is a NET_RX softirq on the CPU that sent it: run
 * when the task that raised it (the sender, or the receiver sending an ACK) leaves its bottom-half-disabled section,
 * or handed to ksoftirqd/N when more is still pending after a run and the run's budget is spent or a task on that CPU
 * is waiting to be scheduled (kernel/softirq.c: two ms, ten restarts, need_resched). Then it is one more task on that
 * CPU, scheduled beside the two peers, and it sends too: an ACK it processes releases data the sender's socket still
 * holds (with both peers on one vCPU here, 23–34 % of a 1 MiB-write stream's bytes left through lo from ksoftirqd/0,
 * for the harness and iperf3 alike; net:net_dev_xmit by task). With both peers on one vCPU of the VM this was built on, ksoftirqd took 14–35 %
 * of that vCPU from one 2-s trial to the next, and iperf3's rate followed it (46 Gbit/s at 14 %, 18–20 at 30–35 %), as
 * did the harness's.
 */
public final class SoftirqThreads {
    private static final Pattern NAME = Pattern.compile("ksoftirqd/(\\d+)");

    private final Map<Integer, Path> schedstat;

    private SoftirqThreads(Map<Integer, Path> schedstat) {
        this.schedstat = Collections.unmodifiableMap(new TreeMap<>(schedstat)); // in CPU order
    }

    /** The ksoftirqd threads this process can see in /proc (none in a PID namespace that hides the kernel's threads). */
    public static SoftirqThreads find() {
        return find(Path.of("/proc"));
    }

    /** As {@link #find()}, under {@code proc} instead of /proc. */
    static SoftirqThreads find(Path proc) {
        Map<Integer, Path> found = new TreeMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(
                proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                String comm;
                try {
                    comm = Files.readString(pid.resolve("comm")).strip();
                } catch (IOException gone) {
                    continue; // the process ended while we looked
                }
                Matcher m = NAME.matcher(comm);
                if (m.matches()) found.put(Integer.parseInt(m.group(1)), pid.resolve("schedstat"));
            }
        } catch (IOException e) {
            return new SoftirqThreads(Map.of());
        }
        return new SoftirqThreads(found);
    }

    /** Whether a ksoftirqd thread was found for every one of {@code cpus}. */
    public boolean sees(Collection<Integer> cpus) {
        return !cpus.isEmpty() && schedstat.keySet().containsAll(cpus);
    }

    /**
     * The kernel thread ids of every ksoftirqd found, in CPU order: for a trace's pid filter, which otherwise leaves out
     * the softirq work these threads take over from the tasks it admits.
     */
    public List<Long> tids() {
        return schedstat.values().stream()
                .map(p -> Long.parseLong(p.getParent().getFileName().toString()))
                .toList();
    }

    /** The CPU time the ksoftirqd threads of {@code cpus} have run, summed; -1 when one is not seen or unreadable. */
    public long runNanos(Collection<Integer> cpus) {
        if (!sees(cpus)) return -1;
        long sum = 0;
        for (int cpu : cpus) {
            long run = TaskRuntime.read(schedstat.get(cpu));
            if (run < 0) return -1; // no schedstat (CONFIG_SCHED_INFO off) or not a number: not measured
            sum += run;
        }
        return sum;
    }

    /**
     * The share of {@code cpus}' time their ksoftirqd threads ran while {@code work} did, over {@code seconds} (the
     * work's own length: set-up before it, such as a tool's start, moves no data); NaN when not measurable here.
     */
    public <T> Shared<T> during(Collection<Integer> cpus, Supplier<T> work) {
        long before = runNanos(cpus);
        T result = work.get();
        long after = runNanos(cpus);
        long ran = before < 0 || after < 0 ? -1 : after - before;
        return new Shared<>(result, ran, cpus.size());
    }

    /** What the work returned, and the ksoftirqd time that ran meanwhile on its {@code cpus} CPUs (-1: unknown). */
    public record Shared<T>(T result, long softirqNanos, int cpus) {
        /** The ksoftirqd time over {@code seconds} of these CPUs' time; NaN when unknown. */
        public double share(double seconds) {
            if (softirqNanos < 0 || !(seconds > 0)) return Double.NaN;
            return softirqNanos / (seconds * 1e9 * cpus);
        }
    }
}

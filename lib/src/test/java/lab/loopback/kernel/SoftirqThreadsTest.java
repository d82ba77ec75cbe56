package lab.loopback.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ksoftirqd threads are found by name, per CPU, and their run time is read exactly, or reported unknown. */
class SoftirqThreadsTest {
    private static void task(Path proc, int pid, String comm, String schedstat) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("comm"), comm + "\n");
        if (schedstat != null) Files.writeString(dir.resolve("schedstat"), schedstat + "\n");
    }

    @Test
    void eachCpusThreadIsFoundByNameAndItsRunTimeSummed(@TempDir Path proc) throws IOException {
        task(proc, 14, "ksoftirqd/0", "1000 5 7");
        task(proc, 22, "ksoftirqd/1", "250 1 1");
        task(proc, 23, "kworker/1:0", "999999 1 1"); // another kernel thread: not counted
        task(proc, 900, "ksoftirqd/2x", "1 1 1"); // not the name, though it starts like it
        Files.createDirectories(proc.resolve("self")); // not a pid
        SoftirqThreads t = SoftirqThreads.find(proc);
        assertTrue(t.sees(List.of(0, 1)));
        assertFalse(t.sees(List.of(2)));
        assertFalse(t.sees(List.of()), "no CPU, nothing to see");
        assertEquals(1000, t.runNanos(List.of(0)));
        assertEquals(1250, t.runNanos(List.of(0, 1)));
        assertEquals(-1, t.runNanos(List.of(0, 2)), "a CPU without its thread makes the sum unknown");
        assertEquals(List.of(14L, 22L), t.tids(), "the threads' ids, in CPU order, for a trace's pid filter");
    }

    @Test
    void theShareIsTheThreadsTimeOverTheCpusTime(@TempDir Path proc) throws IOException {
        task(proc, 14, "ksoftirqd/0", "1000000000 0 0");
        task(proc, 22, "ksoftirqd/1", "0 0 0");
        SoftirqThreads t = SoftirqThreads.find(proc);
        SoftirqThreads.Shared<String> s = t.during(List.of(0, 1), () -> {
            try {
                // the work: ksoftirqd/0 runs 0.3 s, ksoftirqd/1 0.1 s meanwhile
                task(proc, 14, "ksoftirqd/0", "1300000000 0 0");
                task(proc, 22, "ksoftirqd/1", "100000000 0 0");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return "done";
        });
        assertEquals("done", s.result());
        assertEquals(400_000_000L, s.softirqNanos());
        assertEquals(0.1, s.share(2.0), 1e-12, "0.4 s of two CPUs' 2 s");
        assertTrue(Double.isNaN(s.share(0)), "no duration, no share");
    }

    @Test
    void anUnreadableOrMissingSchedstatIsUnknownNotZero(@TempDir Path proc) throws IOException {
        task(proc, 14, "ksoftirqd/0", null); // CONFIG_SCHED_INFO off: no schedstat
        SoftirqThreads t = SoftirqThreads.find(proc);
        assertTrue(t.sees(List.of(0)));
        assertEquals(-1, t.runNanos(List.of(0)));
        assertTrue(Double.isNaN(t.during(List.of(0), () -> 1).share(1.0)));
        assertFalse(SoftirqThreads.find(proc.resolve("absent")).sees(List.of(0)), "no /proc at all: nothing seen");
    }

    /** On this host: every CPU this process may use has its ksoftirqd, and its run time never goes backwards. */
    @Test
    void theHostsThreadsAreSeenAndCount() {
        List<Integer> cpus = lab.loopback.sys.CpuAffinity.of(0);
        SoftirqThreads t = SoftirqThreads.find();
        Assumptions.assumeTrue(t.sees(cpus), "the kernel's threads are not visible in this PID namespace");
        long first = t.runNanos(cpus);
        assertTrue(first >= 0, "schedstat readable");
        assertTrue(t.runNanos(cpus) >= first);
    }
}

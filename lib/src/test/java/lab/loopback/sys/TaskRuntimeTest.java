package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's run time as the scheduler accounts it: it grows while the task runs; what cannot be read is -1. */
class TaskRuntimeTest {
    @Test
    void aThreadsRunTimeGrowsWhileItRunsAndItsProcessHoldsIt() {
        long pid = ProcessHandle.current().pid(), tid = Libc.gettid();
        long before = TaskRuntime.ofThread(pid, tid);
        assertTrue(before > 0, "this thread has run: " + before);
        long end = System.nanoTime() + 20_000_000, spins = 0;
        while (System.nanoTime() < end) spins++;
        long after = TaskRuntime.ofThread(pid, tid);
        assertTrue(after > before, "it ran " + spins + " spins between the readings: " + before + " -> " + after);
        assertTrue(TaskRuntime.ofProcess(pid) >= after, "the process's sum holds its threads'");
    }

    @Test
    void whatCannotBeReadIsMinusOne(@TempDir Path tmp) throws IOException {
        assertEquals(-1, TaskRuntime.ofProcess(Integer.MAX_VALUE), "no such process");
        assertEquals(-1, TaskRuntime.ofThread(ProcessHandle.current().pid(), Integer.MAX_VALUE));
        Path f = tmp.resolve("schedstat");
        Files.writeString(f, "12345 678 9\n");
        assertEquals(12345, TaskRuntime.read(f));
        Files.writeString(f, "garbage\n");
        assertEquals(-1, TaskRuntime.read(f));
    }
}

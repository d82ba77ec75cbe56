package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which CPUs a thread may run on: sched_getaffinity(2) and sched_setaffinity(2) on a kernel thread id (0 = the
 * calling thread). The mask is a cpu_set_t of 1024 bits, glibc's size.
 */
public final class CpuAffinity {
    static final int MASK_BYTES = 128;
    private static final MethodHandle GET =
            Libc.bind("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SET =
            Libc.bind("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private CpuAffinity() {}

    /** The CPUs thread {@code tid} may run on, ascending. */
    public static List<Integer> of(long tid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(MASK_BYTES);
            MemorySegment slot = Libc.errnoSlot();
            int r = (int) GET.invokeExact(slot, (int) tid, (long) MASK_BYTES, mask);
            if (r < 0) throw new ErrnoException("sched_getaffinity(" + tid + ")", Libc.errno(slot));
            List<Integer> cpus = new ArrayList<>();
            for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
                if ((mask.get(JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) cpus.add(cpu);
            }
            return cpus;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Lets thread {@code tid} run only on {@code cpus}. */
    public static void set(long tid, List<Integer> cpus) {
        if (cpus.isEmpty()) throw new IllegalArgumentException("an affinity needs at least one CPU");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(MASK_BYTES);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= MASK_BYTES * 8)
                    throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (MASK_BYTES * 8 - 1));
                mask.set(JAVA_BYTE, cpu / 8, (byte) (mask.get(JAVA_BYTE, cpu / 8) | (1 << (cpu % 8))));
            }
            MemorySegment slot = Libc.errnoSlot();
            int r = (int) SET.invokeExact(slot, (int) tid, (long) MASK_BYTES, mask);
            if (r < 0) throw new ErrnoException("sched_setaffinity(" + tid + ", " + cpus + ")", Libc.errno(slot));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * The CPU thread {@code tid} (0 = the calling thread) last ran on, as the kernel reports it (field 39,
     * "processor", of /proc/TID/stat); -1 when the thread is gone or the file unreadable.
     */
    public static int lastRanOn(long tid) {
        Path stat = tid == 0 ? Path.of("/proc/thread-self/stat") : Path.of("/proc", Long.toString(tid), "stat");
        try {
            return processorField(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The "processor" field of a /proc stat line: the command name in parentheses may hold spaces, so count after it. */
    static int processorField(String statLine) {
        String[] after =
                statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        // fields after ')' start at field 3 (state); "processor" is field 39
        if (after.length < 37)
            throw new IllegalArgumentException("a stat line with " + after.length + " fields after the name");
        return Integer.parseInt(after[36]);
    }

    /**
     * Every thread of process {@code pid} (each task under /proc/PID/task) to {@code cpus}; threads it starts later
     * inherit the set from the thread that starts them. A thread that ends meanwhile is skipped; a mask the kernel
     * refuses is an {@link ErrnoException}.
     */
    public static void setProcess(long pid, List<Integer> cpus) {
        List<Path> tasks;
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks = s.toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the threads of process " + pid + ": " + e.getMessage(), e);
        }
        for (Path t : tasks) {
            try {
                set(Long.parseLong(t.getFileName().toString()), cpus);
            } catch (ErrnoException e) {
                if (Files.exists(t)) throw e; // else the thread ended between the listing and the call
            }
        }
    }

    /**
     * The prefix that runs a command on CPU {@code cpu} only ({@code taskset -c CPU}, which execs it in place, so its pid
     * is the command's); none for a negative cpu (not pinned). An error naming the package when taskset is missing.
     */
    public static List<String> taskset(int cpu) {
        if (cpu < 0) return List.of();
        if (Command.which("taskset") == null)
            throw new IllegalStateException("pinning to CPU " + cpu + " needs taskset (Debian package util-linux)");
        return List.of("taskset", "-c", Integer.toString(cpu));
    }
}

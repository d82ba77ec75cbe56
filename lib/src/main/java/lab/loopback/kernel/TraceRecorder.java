package lab.loopback.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.loopback.sys.Owner;

/**
 * Records chosen tracepoints for the duration of one action, in a private tracefs instance
 * ({@code instances/loopback-lab-PID-N}) so nothing else on the host is disturbed: the instance has its own
 * buffer, events, pid filter and clock, and removing it removes every setting made. The clock is
 * {@code mono}, the clock of {@link System#nanoTime()}, so event times line up with the harness's own.
 * Instances left by a killed run (their PID no longer alive) are removed on the next start.
 */
public final class TraceRecorder implements AutoCloseable {
    public static final String PREFIX = "loopback-lab-";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern WRITTEN = Pattern.compile("entries-in-buffer/entries-written:\\s*(\\d+)/(\\d+)");

    private final Tracefs tracefs;
    private final Path instance;
    private final List<String> events;

    /** What one recording saw; {@code lost} counts events the buffer had no room for. */
    public record Recording(List<TraceEvent> events, long lost, long startNanos, long endNanos) {
        public List<TraceEvent> of(String event) {
            return events.stream().filter(e -> e.event().equals(event)).toList();
        }

        public long count(String event) {
            return events.stream().filter(e -> e.event().equals(event)).count();
        }
    }

    private TraceRecorder(Tracefs tracefs, Path instance, List<String> events) {
        this.tracefs = tracefs;
        this.instance = instance;
        this.events = events;
    }

    /**
     * Creates the instance and enables {@code events} ("net/net_dev_xmit" …) there. Events this kernel lacks
     * are an error naming them; use {@link Tracefs#hasEvent} first to choose.
     */
    public static TraceRecorder open(Tracefs tracefs, List<String> events, int bufferKbPerCpu) {
        if (!tracefs.available()) throw new IllegalStateException(tracefs.unavailable());
        List<String> missing = events.stream().filter(e -> !tracefs.hasEvent(e)).toList();
        if (!missing.isEmpty())
            throw new IllegalArgumentException("this kernel has no tracepoint " + String.join(", ", missing));
        removeStale(tracefs.root().resolve("instances"));
        Path inst = tracefs.root()
                .resolve("instances")
                .resolve(PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        try {
            Files.createDirectory(inst); // tracefs creates the whole instance on mkdir
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create tracefs instance " + inst + ": " + e.getMessage(), e);
        }
        TraceRecorder r = new TraceRecorder(tracefs, inst, List.copyOf(events));
        try {
            r.write("tracing_on", "0");
            r.write("trace_clock", "mono");
            r.write("buffer_size_kb", Integer.toString(bufferKbPerCpu));
            for (String e : events) r.write("events/" + e + "/enable", "1");
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Limits recording to these processes' threads and the threads they start (options/event-fork). Events
     * raised in softirq context are attributed to whichever task was interrupted; on lo that is normally
     * the sender, but softirq work deferred to ksoftirqd is filtered out, so per-segment counts taken with a
     * pid filter are lower bounds.
     */
    public TraceRecorder onlyProcesses(List<Long> pids) {
        Set<Long> tids = new LinkedHashSet<>();
        for (long pid : pids) tids.addAll(tasksOf(pid));
        write("options/event-fork", "1");
        return onlyTasks(tids);
    }

    /**
     * Limits recording to exactly these threads (kernel tids), e.g. the one sending thread of a process whose
     * other threads (a notebook kernel's messaging) also use loopback.
     */
    public TraceRecorder onlyTasks(Collection<Long> tids) {
        if (tids.isEmpty()) throw new IllegalArgumentException("no task to record: the tid list is empty");
        write(
                "set_event_pid",
                String.join(" ", tids.stream().map(String::valueOf).toList()));
        return this;
    }

    /**
     * Keeps only {@code event}'s records that match {@code expression}, in the kernel (events/…/filter, e.g. "vec == 3"),
     * so what is filtered out never takes buffer room.
     */
    public TraceRecorder filter(String event, String expression) {
        if (!events.contains(event))
            throw new IllegalArgumentException("event " + event + " is not recorded here; recorded: " + events);
        write("events/" + event + "/filter", expression);
        return this;
    }

    /** The tids of {@code pid}'s threads, as /proc lists them now. */
    public static List<Long> tasksOf(long pid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            s.forEach(t -> out.add(Long.parseLong(t.getFileName().toString())));
        } catch (IOException e) {
            throw new IllegalArgumentException("process " + pid + " is not running", e);
        }
        return out;
    }

    /** Clears the buffer, records while {@code action} runs, stops, and returns what was recorded. */
    public Recording record(Runnable action) {
        write("trace", "");
        long start = System.nanoTime();
        write("tracing_on", "1");
        try {
            action.run();
        } finally {
            write("tracing_on", "0");
        }
        long end = System.nanoTime();
        return read(start, end);
    }

    private Recording read(long start, long end) {
        List<TraceEvent> out = new ArrayList<>();
        long lost = 0;
        try (Stream<String> lines = Files.lines(instance.resolve("trace"))) {
            for (String l : (Iterable<String>) lines::iterator) {
                if (l.startsWith("#")) {
                    Matcher m = WRITTEN.matcher(l);
                    if (m.find()) lost = Long.parseLong(m.group(2)) - Long.parseLong(m.group(1));
                    continue;
                }
                TraceEvent e = TraceEvent.parse(l);
                if (e != null) out.add(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + instance.resolve("trace") + ": " + e.getMessage(), e);
        }
        return new Recording(List.copyOf(out), lost, start, end);
    }

    public List<String> events() {
        return events;
    }

    public Path instance() {
        return instance;
    }

    private void write(String file, String value) {
        try {
            Files.writeString(instance.resolve(file), value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write '" + value + "' to " + instance.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    /** Stops tracing and removes the instance (and with it every setting made); never throws. */
    @Override
    public void close() {
        try {
            Files.writeString(instance.resolve("tracing_on"), "0");
        } catch (IOException ignored) {
            // the instance may be half-made; removing it is what matters
        }
        try {
            Files.deleteIfExists(instance);
        } catch (IOException ignored) {
            // busy (an open reader): removeStale takes it on the next start
        }
    }

    /** Removes this workbench's instances whose process is gone (a run killed with -9), where tracefs is mounted. */
    public static void removeStale(Tracefs tracefs) {
        if (tracefs.available()) removeStale(tracefs.root().resolve("instances"));
    }

    static void removeStale(Path instances) {
        if (!Files.isDirectory(instances)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(instances, PREFIX + "*")) {
            for (Path p : ds) {
                if (Owner.leftBehind(p.getFileName().toString(), PREFIX)) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // still busy; try again next time
                    }
                }
            }
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}

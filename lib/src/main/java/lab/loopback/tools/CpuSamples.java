package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import lab.loopback.sys.TempFiles;

/**
 * Where the CPU went while a workload ran: perf's cpu-clock sampler (a software event, so it works in a VM without
 * hardware counters) over all CPUs around the workload, then every sample's symbol, kernel or user, counted into
 * what that code does. The samples are observed; the grouping is by symbol name and says so. Two limits are stated with
 * every result: the samples are of every process on the host (so the workload should run alone), and a timer-driven
 * sample cannot fire while interrupts are off, so that time is credited to the code that turns them back on.
 */
public final class CpuSamples {
    /** What a sampled symbol does, by its name: a short label for tables and sentences, and what it covers. */
    public enum Kind {
        COPY("copying", "copy_user, _copy_to/from_iter, memcpy, copy_page"),
        NETWORK("TCP/IP/lo", "TCP, IP, lo's transmit and receive, skb handling"),
        SCHEDULER("scheduler", "scheduling and wake-ups"),
        SYSCALL("syscall entry", "system-call entry and exit"),
        IDLE("idle", "the idle loop"),
        IRQS_ON(
                "irqs re-enabled",
                "where interrupts are turned back on: a timer-driven sample cannot land while they are off"),
        USER("user space", "the peers' own code"),
        OTHER("other kernel", "other kernel work");
        private final String label, meaning;

        Kind(String label, String meaning) {
            this.label = label;
            this.meaning = meaning;
        }

        public String label() {
            return label;
        }

        public String meaning() {
            return meaning;
        }
    }

    /** One kind's share of the samples, and its three busiest symbols. */
    public record Share(String kind, long samples, double percent, String top) {}

    /** The shares, the samples they add up to and the command that made them; {@code unavailable} when none. */
    public record Result(String command, long samples, List<Share> shares, String unavailable) {
        public String describe() {
            if (unavailable != null) return "CPU samples not taken: " + unavailable;
            StringBuilder b =
                    new StringBuilder(String.format("%d cpu-clock samples over all CPUs (`%s`): ", samples, command));
            for (Share s : shares) b.append(String.format("%s %.1f %%; ", s.kind(), s.percent()));
            return b.append("sampled (every process on the host), grouped by symbol name; time with interrupts off is "
                            + "credited to where they are re-enabled")
                    .toString();
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9.]+)%\\s+(\\d+)\\s+\\[([k.])\\]\\s+(\\S.*?)\\s*$");

    private static final List<Map.Entry<Kind, Pattern>> BY_NAME = List.of(
            Map.entry(
                    Kind.COPY,
                    Pattern.compile(
                            "copy_user|rep_movs|_copy_to_iter|_copy_from_iter|copy_page|memcpy|memmove|csum_partial_copy|copy_mc")),
            Map.entry(Kind.IDLE, Pattern.compile("idle|safe_halt|mwait|poll_idle|cpu_startup_entry")),
            Map.entry(
                    Kind.IRQS_ON,
                    Pattern.compile(
                            "unlock_irq|local_irq_enable|__local_bh_enable|irqentry_exit|unlock_bh|restore_irq")),
            Map.entry(
                    Kind.SCHEDULER,
                    Pattern.compile(
                            "schedule|try_to_wake_up|ttwu|wake_up|enqueue_|dequeue_|pick_next|finish_task_switch|__switch_to|update_curr|update_load|select_task_rq|psi_|resched|sched_")),
            Map.entry(Kind.SYSCALL, Pattern.compile("^entry_SYSCALL|^do_syscall|^syscall_|^__x64_sys_|^__sys_|^ksys_")),
            Map.entry(
                    Kind.NETWORK,
                    Pattern.compile(
                            "^_*tcp|^_*ip_|^_*ipv4|^_*inet|^_*sk_|^_*sock|^_*skb|kfree_skb|^_*dev_|^_*netif|net_rx|napi|loopback|process_backlog|^_*nf_|^_*raw_local_deliver|release_sock|lock_sock|^_*alloc_skb|^_*neigh|^_*fib|^_*dst_")));

    private CpuSamples() {}

    /** What each group covers, for the evidence beside the shares. */
    public static String legend() {
        StringBuilder b = new StringBuilder();
        for (Kind k : Kind.values())
            b.append(b.isEmpty() ? "" : "; ").append(k.label()).append(" = ").append(k.meaning());
        return b.toString();
    }

    /** The kind of a sampled symbol; {@code user} for a sample in user space ([.] in perf's report). */
    static Kind kindOf(String symbol, boolean user) {
        if (user) return Kind.USER;
        for (Map.Entry<Kind, Pattern> e : BY_NAME)
            if (e.getValue().matcher(symbol).find()) return e.getKey();
        return Kind.OTHER;
    }

    /** perf report --stdio -q -n --no-children --sort sym: "  12.34%  245  [k] copy_user_generic" per symbol. */
    static Result parse(String command, String report) {
        Map<Kind, Long> count = new EnumMap<>(Kind.class);
        Map<Kind, List<String>> top = new EnumMap<>(Kind.class);
        long total = 0;
        for (String line : report.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) continue;
            long n = Long.parseLong(m.group(2));
            Kind k = kindOf(m.group(4), m.group(3).equals("."));
            count.merge(k, n, Long::sum);
            List<String> names = top.computeIfAbsent(k, x -> new ArrayList<>());
            if (names.size() < 3) names.add(m.group(4)); // perf sorts by overhead: the first three are the busiest
            total += n;
        }
        if (total == 0) return new Result(command, 0, List.of(), "perf recorded no samples");
        List<Share> shares = new ArrayList<>();
        for (Kind k : Kind.values()) {
            long n = count.getOrDefault(k, 0L);
            if (n > 0) shares.add(new Share(k.label(), n, 100.0 * n / total, String.join(", ", top.get(k))));
        }
        return new Result(command, total, List.copyOf(shares), null);
    }

    /**
     * Why samples with kernel symbols cannot be taken here, or null: perf missing, or not root (sampling every CPU
     * and resolving kernel symbols needs it, or perf_event_paranoid and kptr_restrict relaxed, which the workbench does
     * not touch).
     */
    public static String unusable() {
        if (Command.which("perf") == null) return "perf is not installed (Debian package linux-perf)";
        if (Libc.geteuid() != 0)
            return "sampling every CPU with kernel symbols needs root (or a relaxed kernel.perf_event_paranoid), and this "
                    + "process runs as uid " + Libc.geteuid();
        return null;
    }

    /**
     * Samples every CPU at {@code hertz} while {@code workload} runs, wrapped by the perf command it is given (as
     * {@link Iperf3#runWrapped} takes one), and groups them.
     */
    public static Result around(Function<List<String>, Command> workload, int hertz) {
        String why = unusable();
        if (why != null) return new Result("", 0, List.of(), why);
        Path data = null;
        try {
            data = TempFiles.file("perf", ".data");
            List<String> record = List.of(
                    "perf",
                    "record",
                    "-q",
                    "-e",
                    "cpu-clock",
                    "-a",
                    "-F",
                    Integer.toString(hertz),
                    "-o",
                    data.toString(),
                    "--");
            workload.apply(record);
            Command report = Command.run(
                    List.of(
                            "perf",
                            "report",
                            "-i",
                            data.toString(),
                            "--stdio",
                            "-q",
                            "-n",
                            "--no-children",
                            "--sort",
                            "sym"),
                    120_000);
            if (!report.ok())
                return new Result("", 0, List.of(), "perf report failed: " + Command.firstLine(report.stderr()));
            return parse("perf record -e cpu-clock -a -F " + hertz, report.stdout());
        } catch (IOException | RuntimeException e) {
            return new Result("", 0, List.of(), "perf failed: " + e.getMessage());
        } finally {
            if (data != null) {
                data.toFile().delete();
                Path.of(data + ".old").toFile().delete();
            }
        }
    }
}

package lab.loopback.kernel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * In whose context lo's path ran during a transfer, from the kernel's own events, per context (the task the work ran
 * in or interrupted: the sender, the receiver, ksoftirqd): the packets {@code net:net_dev_xmit} shows transmitted, the
 * packets {@code net:netif_receive_skb} shows handed up, and the NET_RX softirq's runs and time
 * ({@code irq:softirq_entry/exit}). On lo a packet is handed up by the NET_RX softirq of the CPU that transmitted it,
 * so both halves of a segment's trip run where it was sent — and a data segment is not always sent by the writer: an
 * ACK processed in the receiver's softirq (or in ksoftirqd) sends what the sender's socket still holds
 * (tcp_ack, then tcp_data_snd_check, net/ipv4/tcp_input.c). Bytes (as the events' len gives them) tell data from
 * ACKs. Only the listed tasks are traced, so a segment sent in a softirq that interrupted another task (or the idle
 * one) is not counted: the bytes and shares are of what was counted, which can be less than lo carried. Trace times
 * have 1 µs resolution: a run's length is off by up to 1 µs either way, the sum over many runs is not biased by it
 * (both ends are truncated alike). {@code lost} counts events the trace buffer had no room for: when
 * it is not 0, every count here is a lower bound.
 */
public record PathContexts(List<Context> contexts, long lost) {
    /** NET_RX's number in the kernel's softirq table (include/linux/interrupt.h), as {@code vec=} prints it. */
    public static final int NET_RX = 3;

    public static final String IN_SENDER = "sender", IN_RECEIVER = "receiver", IN_KSOFTIRQD = "ksoftirqd";

    /**
     * One context's share of the path: packets transmitted and their bytes, packets handed up and their bytes (IP
     * header and payload for both, lo's link header on transmit), the NET_RX softirq's runs with their summed length
     * (ns), and the CPUs its events ran on ("0,1"; where the scheduler put the peers is part of the result).
     */
    public record Context(
            String context,
            long sent,
            long sentBytes,
            long handedUp,
            long handedUpBytes,
            long softirqRuns,
            long softirqNanos,
            String cpus) {
        public double microsPerRun() {
            return softirqRuns == 0 ? Double.NaN : softirqNanos / 1e3 / softirqRuns;
        }
    }

    public PathContexts {
        contexts = List.copyOf(contexts);
    }

    /** A context's sums while the trace is read. */
    private static final class Sums {
        long sent, sentBytes, handedUp, handedUpBytes, runs, nanos;
        final Set<Integer> cpus = new TreeSet<>();

        String cpuList() {
            return String.join(",", cpus.stream().map(String::valueOf).toList());
        }
    }

    /**
     * Counts the transmissions and hand-ups by context, and pairs each CPU's softirq entry of vector {@code vec} with
     * the exit that follows it there (a softirq does not nest on one CPU). {@code contextOf} names the tasks; others
     * are summed under their own name. An exit without its entry (the run began before recording) or an entry without
     * its exit is left out.
     */
    public static PathContexts of(TraceRecorder.Recording recording, int vec, Map<Long, String> contextOf) {
        return of(recording.events(), vec, contextOf, recording.lost());
    }

    /**
     * The contexts tasks are told apart by, by thread id: the ksoftirqd threads, the receiver's ({@code receiverName}:
     * {@link #IN_RECEIVER} here, "reader" in the wake-up probe's records), and the sender's thread, which wins where
     * one id is in two lists.
     */
    public static Map<Long, String> byTask(
            long senderTid, Collection<Long> receiverTids, String receiverName, Collection<Long> ksoftirqdTids) {
        Map<Long, String> out = new HashMap<>();
        ksoftirqdTids.forEach(t -> out.put(t, IN_KSOFTIRQD));
        receiverTids.forEach(t -> out.put(t, receiverName));
        out.put(senderTid, IN_SENDER);
        return out;
    }

    /** As {@link #of(TraceRecorder.Recording, int, Map)}, from the events and the count of those lost. */
    public static PathContexts of(List<TraceEvent> events, int vec, Map<Long, String> contextOf, long lost) {
        String v = Integer.toString(vec);
        Map<Integer, TraceEvent> open = new HashMap<>();
        Map<String, Sums> sums = new LinkedHashMap<>();
        for (String c : List.of(IN_SENDER, IN_RECEIVER, IN_KSOFTIRQD)) sums.put(c, new Sums());
        for (TraceEvent e : events) {
            switch (e.event()) {
                case "net_dev_xmit" -> {
                    Sums s = sumsOf(sums, contextOf, e);
                    s.sent++;
                    s.cpus.add(e.cpu());
                    s.sentBytes += Long.parseLong(e.field("len"));
                }
                case "netif_receive_skb" -> {
                    Sums s = sumsOf(sums, contextOf, e);
                    s.handedUp++;
                    s.cpus.add(e.cpu());
                    s.handedUpBytes += Long.parseLong(e.field("len"));
                }
                case "softirq_entry" -> {
                    if (e.field("vec").equals(v)) open.put(e.cpu(), e);
                }
                case "softirq_exit" -> {
                    TraceEvent entry = e.field("vec").equals(v) ? open.remove(e.cpu()) : null;
                    if (entry == null) continue;
                    Sums s = sumsOf(sums, contextOf, entry);
                    s.runs++;
                    s.cpus.add(entry.cpu());
                    s.nanos += e.nanos() - entry.nanos();
                }
                default -> {}
            }
        }
        List<Context> out = new ArrayList<>();
        sums.forEach((c, s) -> out.add(
                new Context(c, s.sent, s.sentBytes, s.handedUp, s.handedUpBytes, s.runs, s.nanos, s.cpuList())));
        return new PathContexts(out, lost);
    }

    /** The sums of the context {@code e} ran in: its task's by {@code contextOf}, else the task's own name. */
    private static Sums sumsOf(Map<String, Sums> sums, Map<Long, String> contextOf, TraceEvent e) {
        return sums.computeIfAbsent(contextOf.getOrDefault((long) e.pid(), e.task()), k -> new Sums());
    }

    public long total(ToLongFunction<Context> of) {
        return contexts.stream().mapToLong(of).sum();
    }

    /** {@code context}'s share of a total ({@code Context::sentBytes}, …); NaN when the total is 0. */
    public double share(String context, ToLongFunction<Context> of) {
        long total = total(of);
        long mine = contexts.stream()
                .filter(c -> c.context().equals(context))
                .mapToLong(of)
                .sum();
        return total == 0 ? Double.NaN : mine / (double) total;
    }

    /**
     * e.g. "of the 16.7 MB counted in the peers' and ksoftirqd's contexts, sent / handed up: 14% / 13% in the sender's
     * context (CPU 0), 86% / 86% in the receiver's (CPU 1), 0% / 1% in ksoftirqd (CPU 0); the NET_RX softirq ran 2.2 ms
     * in 216 runs: 10% in the sender's context (42 runs, 5.2 µs a run), …".
     */
    public String describe() {
        if (total(Context::sent) + total(Context::handedUp) + total(Context::softirqRuns) == 0)
            return lost == 0
                    ? "nothing recorded"
                    : "nothing recorded (" + lost + " events lost to a full trace buffer)";
        List<String> bytes = new ArrayList<>(), runs = new ArrayList<>();
        for (Context c : contexts) {
            if (c.sent() > 0 || c.handedUp() > 0)
                bytes.add(String.format(
                        "%.0f%% / %.0f%% %s (CPU %s)",
                        100 * share(c.context(), Context::sentBytes),
                        100 * share(c.context(), Context::handedUpBytes),
                        where(c.context()),
                        c.cpus()));
            if (c.softirqRuns() > 0)
                runs.add(String.format(
                        "%.0f%% %s (%d runs, %.1f µs a run)",
                        100 * share(c.context(), Context::softirqNanos),
                        where(c.context()),
                        c.softirqRuns(),
                        c.microsPerRun()));
        }
        return String.format(
                "of the %.1f MB counted in the peers' and ksoftirqd's contexts, sent / handed up: %s; "
                        + "the NET_RX softirq ran %.1f ms in %d runs: %s%s",
                total(Context::sentBytes) / 1e6,
                bytes.isEmpty() ? "none traced" : String.join(", ", bytes),
                total(Context::softirqNanos) / 1e6,
                total(Context::softirqRuns),
                runs.isEmpty() ? "none traced" : String.join(", ", runs),
                lost == 0 ? "" : "; " + lost + " events lost to a full trace buffer, so every count is a lower bound");
    }

    private static String where(String context) {
        return switch (context) {
            case IN_SENDER -> "in the sender's context";
            case IN_RECEIVER -> "in the receiver's";
            case IN_KSOFTIRQD -> "in ksoftirqd";
            default -> "in " + context;
        };
    }
}

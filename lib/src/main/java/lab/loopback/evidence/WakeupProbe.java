package lab.loopback.evidence;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.kernel.PathContexts;
import lab.loopback.kernel.SoftirqThreads;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.measure.Placement;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;

/**
 * One small write at a time to a reader blocked in read() in another process, each timed on
 * CLOCK_MONOTONIC at three user-space points (write called, write returned, read returned in the reader)
 * and, where tracefs allows, with the kernel's events in between: the send path through lo, the moment
 * the receiving socket is told data is ready (sock:sk_data_ready), and the copy to the reader's buffer.
 * Trace and user clocks are the same clock (trace_clock=mono); trace times have microsecond resolution.
 *
 * <p>Both threads are placed ({@link Placement}: one vCPU, or two) for the whole probe, since where the reader sleeps
 * decides how long it takes to run again. The times of record come from an untraced pass; a second, traced pass gives
 * the order of events and splits the reader's wake-up at the scheduler's own events: sched_wakeup (the reader made
 * runnable), then the reader on a CPU (a sched_switch to it, or its own first event).
 */
public final class WakeupProbe {
    public static final List<String> EVENTS = List.of(
            "tcp/tcp_sendmsg_locked",
            "net/net_dev_queue",
            "net/net_dev_start_xmit",
            "net/netif_rx",
            "net/net_dev_xmit",
            "net/netif_receive_skb",
            "sock/sk_data_ready",
            "skb/skb_copy_datagram_iovec");
    /** The scheduler's account of the reader's wake-up: made runnable, then switched in. */
    public static final List<String> SCHED_EVENTS = List.of("sched/sched_wakeup", "sched/sched_switch");
    /** Long enough for the reader to be asleep in read() again before the next message. */
    static final long GAP_NANOS = 1_000_000;

    /** One message's user-space times (ns, CLOCK_MONOTONIC). */
    public record Message(int seq, long writeStart, long writeEnd, long readReturn) {
        public long oneWayNanos() {
            return readReturn - writeStart;
        }
    }

    /**
     * What a probe run saw: the placement it arranged, the untraced pass's messages (the times of record), the traced
     * pass's messages with the trace ({@code trace} null when tracing was impossible, {@code traceUnavailable} says why;
     * then {@code messages} is empty), and the threads involved.
     */
    public record Result(
            Placement placement,
            List<Message> untraced,
            List<Message> messages,
            TraceRecorder.Recording trace,
            String traceUnavailable,
            List<String> missingEvents,
            long senderTid,
            long readerTid,
            List<Long> receiverTids,
            List<Long> softirqTids) {}

    private WakeupProbe() {}

    /** As {@link #run(Tracefs, int, int, Placement)}, left to the scheduler. */
    public static Result run(Tracefs tracefs, int messages, int warmups) {
        return run(tracefs, messages, warmups, Placement.SCHEDULER);
    }

    /**
     * {@code warmups} untimed messages, then {@code messages} untraced and, where tracefs allows, {@code messages}
     * traced, the sending thread and the peer's reading thread placed per {@code placement} throughout (both CPU sets
     * restored afterwards).
     */
    @SuppressWarnings("try") // the pin is held for the whole block and released by closing it
    public static Result run(Tracefs tracefs, int messages, int warmups, Placement placement) {
        if (messages < 1 || messages > 100_000)
            throw new IllegalArgumentException("message count " + messages + " is outside 1 .. 100000");
        if (warmups < 0) throw new IllegalArgumentException("warm-up count " + warmups + " is negative");
        List<String> present = new ArrayList<>(), missing = new ArrayList<>();
        for (String e : concat(EVENTS, SCHED_EVENTS)) (tracefs.hasEvent(e) ? present : missing).add(e);
        long maxSeconds = 120 + (2L * messages + warmups) / 200;
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                ChildJvm peer = ChildJvm.start(
                        WakeupPeerMain.class,
                        List.of(Integer.toString(l.localAddress().port()), Long.toString(maxSeconds)))) {
            peer.expect(ChildLine.Ready.class, 30_000);
            long reader = peer.expect(ChildLine.Armed.class, 30_000).tid();
            try (Placement.Pin pinned = placement.pin(reader);
                    TcpSocket c = l.accept();
                    Arena a = Arena.ofConfined()) {
                c.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
                MemorySegment out = a.allocate(WakeupPeerMain.MESSAGE, 8), in = a.allocate(WakeupPeerMain.MESSAGE, 8);
                exchange(c, out, in, 0, warmups);
                long tid = Libc.gettid();
                List<Long> receiver = TraceRecorder.tasksOf(peer.pid());
                List<Message> untraced = exchange(c, out, in, warmups, messages);
                if (!tracefs.available())
                    return new Result(
                            placement,
                            untraced,
                            List.of(),
                            null,
                            tracefs.unavailable(),
                            List.copyOf(missing),
                            tid,
                            reader,
                            receiver,
                            List.of());
                List<Message> got = new ArrayList<>();
                TraceRecorder.Recording rec;
                // ksoftirqd too: the receive path it takes over from the sender would otherwise go unseen
                List<Long> softirq = SoftirqThreads.find().tids();
                try (TraceRecorder r = TraceRecorder.open(tracefs, present, 4096)) {
                    List<Long> tids = new ArrayList<>(receiver);
                    tids.add(tid);
                    tids.addAll(softirq);
                    r.onlyTasks(tids);
                    rec = r.record(() -> got.addAll(exchange(c, out, in, warmups + messages, messages)));
                }
                return new Result(
                        placement, untraced, got, rec, null, List.copyOf(missing), tid, reader, receiver, softirq);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<Message> exchange(TcpSocket c, MemorySegment out, MemorySegment in, int firstSeq, int count) {
        List<Message> got = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int seq = firstSeq + i;
            long until = System.nanoTime() + GAP_NANOS;
            while (System.nanoTime() < until)
                Thread.onSpinWait(); // a sleep would let this thread's CPU go idle and add its own wake-up
            long t0 = System.nanoTime();
            out.set(JAVA_LONG_UNALIGNED, 0, seq);
            out.set(JAVA_LONG_UNALIGNED, 8, t0);
            c.writeFully(out, WakeupPeerMain.MESSAGE);
            long t1 = System.nanoTime();
            long n = 0;
            while (n < WakeupPeerMain.MESSAGE) {
                long r = c.read(in.asSlice(n), WakeupPeerMain.MESSAGE - n);
                if (r == 0)
                    throw new IllegalStateException("the wake-up peer closed the connection after " + i + " messages");
                n += r;
            }
            long echoed = in.get(JAVA_LONG_UNALIGNED, 0);
            if (echoed != seq)
                throw new IllegalStateException("the wake-up peer answered message " + echoed + " to message " + seq);
            got.add(new Message(seq, t0, t1, in.get(JAVA_LONG_UNALIGNED, 8)));
        }
        return got;
    }

    /** The first of {@code events} by one of {@code tids} in [from, to) (trace times are µs-truncated, hence the slack). */
    static TraceEvent first(List<TraceEvent> events, List<Long> tids, long from, long to) {
        for (TraceEvent e : events) {
            long t = e.nanos();
            if (tids.contains((long) e.pid()) && t >= from - 1_000 && t < to) return e;
        }
        return null;
    }

    /** Where a message's sk_data_ready ran: the context the trace records it in. */
    public static final String IN_SENDER = PathContexts.IN_SENDER,
            IN_KSOFTIRQD = PathContexts.IN_KSOFTIRQD,
            IN_READER = "reader"; // as recorded in ready_in since it was added; PathContexts says "receiver"
    /** No sk_data_ready for the message in any traced context (an unrelated task's softirq, say): not seen. */
    public static final String UNSEEN = "not traced";

    /**
     * One message taken apart: from write() called to sk_data_ready (the send path through TCP, IP and lo), from
     * sk_data_ready to read() returning in the reader (its wake-up and the copy), whether the kernel reported data
     * ready before the sender's write() had returned, and in whose context it did ({@code readyIn}: {@link #IN_SENDER},
     * {@link #IN_KSOFTIRQD}, {@link #IN_READER}, or {@link #UNSEEN}, when every time but the one-way is -1 and the
     * message is not shown within the write). The wake-up split at the scheduler's events, -1 where the trace has none:
     * sk_data_ready → sched_wakeup of the reader (made runnable; for a reader on another, idle vCPU the wake-up is
     * queued to that CPU and recorded there, so this includes waking it), → the reader on a CPU (a sched_switch to it,
     * or its first own event, whichever the trace shows first).
     */
    public record Breakdown(
            String placement,
            int seq,
            long oneWayNanos,
            long kernelPathNanos,
            long wakeNanos,
            boolean readyWithinWrite,
            long runnableNanos,
            long onCpuNanos,
            String readyIn) {
        /** Whether the trace has this message's sk_data_ready, so its split is measured. */
        public boolean seen() {
            return !UNSEEN.equals(readyIn);
        }
    }

    /**
     * Every traced message taken apart. Its sk_data_ready is one in a context the trace admits (the sender, the
     * ksoftirqd threads, the reader's process: the first in that order of preference) between write() called and
     * read() returned — the reader cannot return before its data is ready, and the echo's own sk_data_ready comes only
     * after that.
     */
    public static List<Breakdown> breakdown(Result r) {
        List<Breakdown> out = new ArrayList<>();
        List<Message> m = r.messages();
        Map<Long, String> context = PathContexts.byTask(r.senderTid(), r.receiverTids(), IN_READER, r.softirqTids());
        // the trace is in time order, so one pass over the sk_data_ready events serves every message
        List<TraceEvent> readies = r.trace().of("sk_data_ready").stream()
                .filter(e -> context.containsKey((long) e.pid()))
                .toList();
        String reader = Long.toString(r.readerTid());
        List<TraceEvent> wakeups = r.trace().of("sched_wakeup").stream()
                .filter(e -> e.field("pid").equals(reader))
                .toList();
        List<TraceEvent> running = runningMarks(r);
        int k = 0;
        for (Message x : m) {
            while (k < readies.size() && readies.get(k).nanos() < x.writeStart() - 1_000) k++;
            TraceEvent ready = null;
            for (int i = k; i < readies.size() && readies.get(i).nanos() <= x.readReturn() + 1_000; i++)
                if (ready == null || rank(context, readies.get(i)) < rank(context, ready)) ready = readies.get(i);
            if (ready == null) {
                out.add(new Breakdown(r.placement().id(), x.seq(), x.oneWayNanos(), -1, -1, false, -1, -1, UNSEEN));
                continue;
            }
            TraceEvent woken = firstIn(wakeups, ready.nanos() - 1_000, x.readReturn() + 1_000);
            TraceEvent onCpu = woken == null ? null : firstIn(running, woken.nanos(), x.readReturn() + 1_000);
            out.add(new Breakdown(
                    r.placement().id(),
                    x.seq(),
                    x.oneWayNanos(),
                    ready.nanos() - x.writeStart(),
                    x.readReturn() - ready.nanos(),
                    ready.nanos() <= x.writeEnd(),
                    woken == null ? -1 : Math.max(0, woken.nanos() - ready.nanos()),
                    onCpu == null ? -1 : onCpu.nanos() - woken.nanos(),
                    context.get((long) ready.pid())));
        }
        return out;
    }

    /** The context an event ran in, as the timeline names it: sender, reader, ksoftirqd, or the task's own name. */
    private static String who(Result r, TraceEvent e) {
        long pid = e.pid();
        if (pid == r.senderTid()) return IN_SENDER;
        if (r.receiverTids().contains(pid)) return IN_READER;
        if (r.softirqTids().contains(pid)) return IN_KSOFTIRQD;
        return e.task();
    }

    /**
     * Which of a message's candidates is its own: the sender's (the socket is the sender's peer's), then ksoftirqd's,
     * then the reader's process's. ksoftirqd may serve another loopback flow (a notebook's messaging) in the same
     * microseconds, so its event counts only where the sender's context has none.
     */
    private static int rank(Map<Long, String> context, TraceEvent e) {
        return switch (context.get((long) e.pid())) {
            case IN_SENDER -> 0;
            case IN_KSOFTIRQD -> 1;
            default -> 2;
        };
    }

    /**
     * The trace's signs that the reader is on a CPU, in time order: a sched_switch to it, or any event in its own
     * context. Both are needed: a switch from the idle task to the reader is not recorded under a pid filter here
     * (seen on 6.18), while the reader's first event after it (its copy out of the socket) is.
     */
    static List<TraceEvent> runningMarks(Result r) {
        String reader = Long.toString(r.readerTid());
        return r.trace().events().stream()
                .filter(e -> e.pid() == r.readerTid()
                        || (e.event().equals("sched_switch")
                                && e.field("next_pid").equals(reader)))
                .toList();
    }

    /** The first event in [from, to) of a time-ordered list, or null. */
    private static TraceEvent firstIn(List<TraceEvent> events, long from, long to) {
        for (TraceEvent e : events) {
            if (e.nanos() >= to) return null;
            if (e.nanos() >= from) return e;
        }
        return null;
    }

    /** One point of a message's timeline: what happened, in whose context, µs after write() was called. */
    public record Point(String what, String who, double micros) {}

    /** The timeline of message {@code seq}: the user-space marks and the first of each traced event in between. */
    public static List<Point> timeline(Result r, int seq) {
        Message x = r.messages().stream()
                .filter(m -> m.seq() == seq)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no message " + seq + " in this probe"));
        List<Point> out = new ArrayList<>();
        out.add(new Point("write() called", "sender", 0));
        List<Long> sender = List.of(r.senderTid());
        for (String ev : EVENTS) {
            String name = ev.substring(ev.indexOf('/') + 1);
            boolean rx = name.equals("skb_copy_datagram_iovec");
            List<TraceEvent> of = r.trace().of(name);
            TraceEvent e = first(of, rx ? r.receiverTids() : sender, x.writeStart(), x.readReturn() + 1_000);
            if (e == null && !rx) e = first(of, r.softirqTids(), x.writeStart(), x.readReturn() + 1_000);
            if (e != null)
                out.add(new Point(
                        name + (e.field("dev").isEmpty() ? "" : " (dev=" + e.field("dev") + ")"),
                        who(r, e),
                        (e.nanos() - x.writeStart()) / 1e3));
        }
        String reader = Long.toString(r.readerTid());
        TraceEvent woken = r.trace().of("sched_wakeup").stream()
                .filter(e -> e.field("pid").equals(reader) && e.nanos() >= x.writeStart() - 1_000)
                .findFirst()
                .orElse(null);
        if (woken != null && woken.nanos() < x.readReturn() + 1_000) {
            out.add(new Point("sched_wakeup of the reader", who(r, woken), (woken.nanos() - x.writeStart()) / 1e3));
            runningMarks(r).stream()
                    .filter(e -> e.nanos() >= woken.nanos())
                    .findFirst()
                    .filter(e -> e.nanos() < x.readReturn() + 1_000)
                    .ifPresent(e -> out.add(new Point(
                            "the reader on a CPU (" + e.cpu() + ")", "reader", (e.nanos() - x.writeStart()) / 1e3)));
        }
        out.add(new Point("write() returned", "sender", (x.writeEnd() - x.writeStart()) / 1e3));
        out.add(new Point("read() returned", "reader", (x.readReturn() - x.writeStart()) / 1e3));
        out.sort(Comparator.comparingDouble(Point::micros));
        return out;
    }
}

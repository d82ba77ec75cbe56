package lab.loopback.evidence;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.ChildJvm;
import lab.loopback.measure.ChildLine;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;

/**
 * One small write at a time to a reader blocked in read() in another process, each timed on
 * CLOCK_MONOTONIC at three user-space points (write called, write returned, read returned in the reader)
 * and, where tracefs allows, with the kernel's events in between: the send path through lo, the moment
 * the receiving socket is told data is ready (sock:sk_data_ready), and the copy to the reader's buffer.
 * Trace and user clocks are the same clock (trace_clock=mono); trace times have microsecond resolution.
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
    /** Long enough for the reader to be asleep in read() again before the next message. */
    static final long GAP_NANOS = 1_000_000;

    /** One message's user-space times (ns, CLOCK_MONOTONIC). */
    public record Message(int seq, long writeStart, long writeEnd, long readReturn) {
        public long oneWayNanos() {
            return readReturn - writeStart;
        }
    }

    /** What a probe run saw; {@code trace} null when tracing was impossible, {@code traceUnavailable} says why. */
    public record Result(
            List<Message> messages,
            TraceRecorder.Recording trace,
            String traceUnavailable,
            List<String> missingEvents,
            long senderTid,
            List<Long> receiverTids) {}

    private WakeupProbe() {}

    public static Result run(Tracefs tracefs, int messages, int warmups) {
        if (messages < 1 || messages > 100_000)
            throw new IllegalArgumentException("message count " + messages + " is outside 1 .. 100000");
        if (warmups < 0) throw new IllegalArgumentException("warm-up count " + warmups + " is negative");
        List<String> present = new ArrayList<>(), missing = new ArrayList<>();
        for (String e : EVENTS) (tracefs.hasEvent(e) ? present : missing).add(e);
        long maxSeconds = 120 + (messages + warmups) / 200;
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                ChildJvm peer = ChildJvm.start(
                        WakeupPeerMain.class,
                        List.of(Integer.toString(l.localAddress().port()), Long.toString(maxSeconds)))) {
            peer.expect(ChildLine.Ready.class, 30_000);
            try (TcpSocket c = l.accept();
                    Arena a = Arena.ofConfined()) {
                c.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
                MemorySegment out = a.allocate(WakeupPeerMain.MESSAGE, 8), in = a.allocate(WakeupPeerMain.MESSAGE, 8);
                exchange(c, out, in, 0, warmups);
                long tid = Libc.gettid();
                List<Long> receiver = TraceRecorder.tasksOf(peer.pid());
                List<Message> got = new ArrayList<>();
                if (!tracefs.available()) {
                    got.addAll(exchange(c, out, in, warmups, messages));
                    return new Result(got, null, tracefs.unavailable(), List.copyOf(missing), tid, receiver);
                }
                TraceRecorder.Recording rec;
                try (TraceRecorder r = TraceRecorder.open(tracefs, present, 4096)) {
                    List<Long> tids = new ArrayList<>(receiver);
                    tids.add(tid);
                    r.onlyTasks(tids);
                    rec = r.record(() -> got.addAll(exchange(c, out, in, warmups, messages)));
                }
                return new Result(got, rec, null, List.copyOf(missing), tid, receiver);
            }
        }
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

    /**
     * One message taken apart: from write() called to sk_data_ready (the send path through TCP, IP and lo),
     * from sk_data_ready to read() returning in the reader (its wake-up and the copy), and whether the kernel
     * reported data ready before the sender's write() had returned.
     */
    public record Breakdown(
            int seq, long oneWayNanos, long kernelPathNanos, long wakeNanos, boolean readyWithinWrite) {}

    /** Per message, where the trace has its sk_data_ready; messages without one are left out (see {@code missing}). */
    public static List<Breakdown> breakdown(Result r) {
        List<Breakdown> out = new ArrayList<>();
        List<Message> m = r.messages();
        // the trace is in time order, so one pass over the sender's sk_data_ready events serves every message
        List<TraceEvent> readies = r.trace().of("sk_data_ready").stream()
                .filter(e -> e.pid() == r.senderTid())
                .toList();
        int k = 0;
        for (int i = 0; i < m.size(); i++) {
            Message x = m.get(i);
            long next = i + 1 < m.size() ? m.get(i + 1).writeStart() : x.readReturn() + GAP_NANOS;
            while (k < readies.size() && readies.get(k).nanos() < x.writeStart() - 1_000) k++;
            if (k == readies.size() || readies.get(k).nanos() >= next) continue;
            TraceEvent ready = readies.get(k);
            out.add(new Breakdown(
                    x.seq(),
                    x.oneWayNanos(),
                    ready.nanos() - x.writeStart(),
                    x.readReturn() - ready.nanos(),
                    ready.nanos() <= x.writeEnd()));
        }
        return out;
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
            TraceEvent e =
                    first(r.trace().of(name), rx ? r.receiverTids() : sender, x.writeStart(), x.readReturn() + 1_000);
            if (e != null)
                out.add(new Point(
                        name + (e.field("dev").isEmpty() ? "" : " (dev=" + e.field("dev") + ")"),
                        rx ? "reader" : "sender",
                        (e.nanos() - x.writeStart()) / 1e3));
        }
        out.add(new Point("write() returned", "sender", (x.writeEnd() - x.writeStart()) / 1e3));
        out.add(new Point("read() returned", "reader", (x.readReturn() - x.writeStart()) / 1e3));
        out.sort(Comparator.comparingDouble(Point::micros));
        return out;
    }
}

package lab.loopback.evidence;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PacketSocket;
import lab.loopback.sys.PollFd;

/**
 * What a root process sees on lo: an AF_PACKET capture (as tcpdump's) running on its own thread while an
 * action makes traffic. Frames of other ports are counted and dropped unread; for the chosen port each IPv4
 * frame is parsed (lengths, fragment bits, both checksums recomputed) and searched for a marker. Bounded by
 * frame count and time; frames the kernel dropped for want of buffer are counted, not hidden.
 */
public final class LoCapture {
    public static final int MAX_FRAMES = 20_000;
    static final int SNAP = 70_000;
    static final long DRAIN_MILLIS = 200, DRAIN_CAP_MILLIS = 1_000;

    /** One IPv4 frame of the watched port (or any, in a private namespace). */
    public record Segment(
            boolean outgoing,
            int protocol,
            int ipLength,
            int srcPort,
            int dstPort,
            boolean fragment,
            boolean ipChecksumValid,
            boolean l4ChecksumValid,
            int payloadLength,
            boolean markerFound) {}

    /** The watched frames, and how many frames of anything else went by. */
    public record Capture(List<Segment> segments, long framesOfOthers, boolean truncatedAtMax, long dropped) {
        public boolean markerSeen() {
            return segments.stream().anyMatch(Segment::markerFound);
        }

        /** Data-carrying frames as they arrived (the incoming copy: each packet on lo is seen leaving and arriving). */
        public List<Segment> incomingWithPayload() {
            return segments.stream()
                    .filter(s -> !s.outgoing() && s.payloadLength() > 0)
                    .toList();
        }
    }

    private LoCapture() {}

    /** Why a capture is impossible here, or null. */
    public static String unavailable() {
        return Libc.geteuid() == 0
                ? null
                : "an AF_PACKET capture needs CAP_NET_RAW (root); this process runs as uid " + Libc.geteuid();
    }

    /**
     * Captures on the socket {@code open} makes while {@code action} runs, keeping frames to or from {@code port}
     * (any port when {@code port} is 0) and searching each for {@code marker}.
     */
    public static Capture during(Supplier<PacketSocket> open, int port, byte[] marker, Runnable action) {
        return capture(open, port == 0, () -> port, marker, action);
    }

    /**
     * As {@link #during}, for a connection whose port is learned while {@code action} runs (a server's ephemeral port,
     * published before it accepts): only frames to or from it are kept, and frames before it is known (0) are not.
     * Keeping everything and filtering afterwards would let other loopback traffic fill the frame cap first.
     */
    public static Capture duringPort(Supplier<PacketSocket> open, IntSupplier port, byte[] marker, Runnable action) {
        return capture(open, false, port, marker, action);
    }

    private static Capture capture(
            Supplier<PacketSocket> open, boolean anyPort, IntSupplier port, byte[] marker, Runnable action) {
        List<Segment> kept = new ArrayList<>();
        long[] others = {0}, dropped = {0};
        AtomicBoolean stop = new AtomicBoolean();
        try (PacketSocket s = open.get()) {
            Thread t = Thread.ofPlatform().name("lo-capture").start(() -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment buf = a.allocate(SNAP, 64), pfd = a.allocate(PollFd.LAYOUT);
                    PollFd.set(pfd, 0, s.fd(), Net.POLLIN);
                    long stoppedAt = 0, lastFrame = System.nanoTime();
                    while (kept.size() < MAX_FRAMES) {
                        if (stop.get()) {
                            long now = System.nanoTime();
                            if (stoppedAt == 0) stoppedAt = now;
                            // after the action: drain until quiet, and never longer than the cap (lo may never be
                            // quiet)
                            if (now - lastFrame > DRAIN_MILLIS * 1_000_000
                                    || now - stoppedAt > DRAIN_CAP_MILLIS * 1_000_000) break;
                        }
                        long n = s.receive(buf);
                        if (n == 0) {
                            Libc.poll(pfd, 1, 10); // wait for the next frame without spinning a CPU the traffic needs
                            continue;
                        }
                        lastFrame = System.nanoTime();
                        MemorySegment frame = buf.asSlice(0, Math.min(n, SNAP));
                        // other users' frames: only their ports are looked at, nothing else is parsed or searched
                        int p = port.getAsInt();
                        Segment seg = anyPort || (p > 0 && hasPort(frame, p))
                                ? parse(frame, s.lastPacketType() == PacketSocket.PACKET_OUTGOING, marker)
                                : null;
                        if (seg != null) {
                            synchronized (kept) {
                                kept.add(seg);
                            }
                        } else {
                            others[0]++;
                        }
                    }
                }
            });
            try {
                action.run();
            } finally {
                stop.set(true);
                try {
                    t.join(30_000);
                    dropped[0] = s.drops();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (kept) {
            return new Capture(List.copyOf(kept), others[0], kept.size() >= MAX_FRAMES, dropped[0]);
        }
    }

    /** Whether an Ethernet-framed IPv4 TCP/UDP packet (first fragment) has {@code port} as source or destination. */
    static boolean hasPort(MemorySegment f, int port) {
        if (f.byteSize() < 14 + 20 + 4 || u16(f, 12) != 0x0800) return false;
        int ihl = (u8(f, 14) & 0x0f) * 4, proto = u8(f, 14 + 9);
        if ((proto != 6 && proto != 17) || (u16(f, 14 + 6) & 0x1fff) != 0 || 14 + ihl + 4 > f.byteSize()) return false;
        return u16(f, 14 + ihl) == port || u16(f, 14 + ihl + 2) == port;
    }

    /** Parses an Ethernet-framed IPv4 packet (lo frames carry a zeroed 14-byte Ethernet header); null for anything else. */
    static Segment parse(MemorySegment f, boolean outgoing, byte[] marker) {
        if (f.byteSize() < 14 + 20 || u16(f, 12) != 0x0800) return null;
        int ip = 14, ihl = (u8(f, ip) & 0x0f) * 4, total = u16(f, ip + 2), proto = u8(f, ip + 9);
        if ((u8(f, ip) >> 4) != 4 || ihl < 20 || ip + total > f.byteSize()) return null;
        int fragBits = u16(f, ip + 6);
        boolean more = (fragBits & 0x2000) != 0;
        int offset = fragBits & 0x1fff;
        boolean fragment = more || offset != 0;
        boolean ipOk = fold(sum(f, ip, ihl, 0)) == 0xffff;
        int l4 = ip + ihl, l4len = total - ihl;
        int src = -1, dst = -1, payload = 0;
        boolean l4Ok = false, found = false;
        if (offset == 0 && (proto == 6 || proto == 17) && l4len >= 8) {
            src = u16(f, l4);
            dst = u16(f, l4 + 2);
            int hdr = proto == 6 ? (u8(f, l4 + 12) >> 4) * 4 : 8;
            payload = Math.max(0, l4len - hdr);
            if (!fragment) {
                long pseudo = sum(f, ip + 12, 8, 0) + proto + l4len;
                l4Ok = fold(sum(f, l4, l4len, pseudo)) == 0xffff;
            }
            found = marker != null && marker.length > 0 && contains(f, l4 + hdr, payload, marker);
        } else if (fragment) {
            payload = l4len;
            found = marker != null && marker.length > 0 && contains(f, l4, l4len, marker);
        }
        return new Segment(outgoing, proto, total, src, dst, fragment, ipOk, l4Ok, payload, found);
    }

    static boolean contains(MemorySegment f, int from, int len, byte[] m) {
        outer:
        for (int i = from; i + m.length <= from + len; i++) {
            for (int k = 0; k < m.length; k++) if (f.get(JAVA_BYTE, i + k) != m[k]) continue outer;
            return true;
        }
        return false;
    }

    /** The ones'-complement sum of RFC 1071 over {@code len} bytes from {@code off}, started at {@code acc}. */
    static long sum(MemorySegment f, int off, int len, long acc) {
        int i = 0;
        for (; i + 1 < len; i += 2) acc += u16(f, off + i);
        if (i < len) acc += u8(f, off + i) << 8;
        return acc;
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    private static int u8(MemorySegment f, long off) {
        return Byte.toUnsignedInt(f.get(JAVA_BYTE, off));
    }

    private static int u16(MemorySegment f, long off) {
        return (u8(f, off) << 8) | u8(f, off + 1);
    }
}

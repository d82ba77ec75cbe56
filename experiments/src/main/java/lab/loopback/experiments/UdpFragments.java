package lab.loopback.experiments;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import lab.loopback.evidence.LoCapture;
import lab.loopback.kernel.NetCounters;
import lab.loopback.netns.NetNamespace;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PacketSocket;
import lab.loopback.sys.PollFd;
import lab.loopback.sys.SockAddrIn;

/**
 * One UDP datagram sent over lo at a given MTU, inside a private namespace: whether IP fragments it (the fragments
 * seen by a capture, Ip FragCreates and ReasmOKs of that namespace) and whether it arrives whole.
 */
final class UdpFragments {
    /** What one datagram did at one lo MTU. */
    public record Result(
            int mtu,
            int datagramBytes,
            long fragmentsCaptured,
            long fragCreates,
            long reassembled,
            long receivedBytes) {}

    private UdpFragments() {}

    static Result send(NetNamespace ns, int mtu, int size) {
        ns.ip("link", "set", "lo", "mtu", Integer.toString(mtu));
        NetCounters before = ns.call(() -> NetCounters.read(Path.of("/proc/thread-self")));
        long[] got = {-1};
        LoCapture.Capture cap = LoCapture.during(
                () -> ns.call(() -> PacketSocket.open("lo")), 0, null, () -> got[0] = ns.call(() -> roundTrip(size)));
        NetCounters after = ns.call(() -> NetCounters.read(Path.of("/proc/thread-self")));
        long frags = cap.segments().stream()
                .filter(s -> !s.outgoing() && s.fragment())
                .count();
        return new Result(
                mtu,
                size,
                frags,
                after.get("Ip.FragCreates") - before.get("Ip.FragCreates"),
                after.get("Ip.ReasmOKs") - before.get("Ip.ReasmOKs"),
                got[0]);
    }

    /**
     * One datagram over the host's own lo at its MTU (unchanged), without a capture ({@code fragmentsCaptured} -1): for a
     * host that refuses namespaces. The counters are the host's, so other traffic's fragments would count too.
     */
    static Result sendOnHostLo(int mtu, int size) {
        NetCounters before = NetCounters.read(Path.of("/proc/thread-self"));
        long got = roundTrip(size);
        NetCounters after = NetCounters.read(Path.of("/proc/thread-self"));
        return new Result(
                mtu,
                size,
                -1,
                after.get("Ip.FragCreates") - before.get("Ip.FragCreates"),
                after.get("Ip.ReasmOKs") - before.get("Ip.ReasmOKs"),
                got);
    }

    /** Bytes the receiving socket got for one datagram of {@code size} (waits at most 2 s). */
    static long roundTrip(int size) {
        int rx = Libc.socket(Net.AF_INET, Net.SOCK_DGRAM | Net.SOCK_CLOEXEC, 0), tx = -1;
        try (Arena a = Arena.ofConfined()) {
            Libc.bind(rx, SockAddrIn.loopback(0).allocate(a), SockAddrIn.SIZE);
            MemorySegment addr = a.allocate(SockAddrIn.SIZE, 4);
            Libc.getsockname(rx, addr, a.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
            tx = Libc.socket(Net.AF_INET, Net.SOCK_DGRAM | Net.SOCK_CLOEXEC, 0);
            Libc.connect(tx, addr, SockAddrIn.SIZE);
            MemorySegment buf = a.allocate(size);
            buf.fill((byte) 'u');
            if (Libc.send(tx, buf, size, 0) != size) throw new IllegalStateException("short UDP send");
            MemorySegment pfd = a.allocate(PollFd.LAYOUT);
            PollFd.set(pfd, 0, rx, Net.POLLIN);
            if (Libc.poll(pfd, 1, 2_000) <= 0) return 0;
            MemorySegment in = a.allocate(size + 1);
            return Libc.recv(rx, in, size + 1, 0);
        } finally {
            Libc.close(rx);
            if (tx >= 0) Libc.close(tx);
        }
    }
}

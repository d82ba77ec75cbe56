package lab.loopback.zerocopy;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import lab.loopback.measure.KnownPattern;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.PollFd;
import lab.loopback.sys.SockAddrIn;

/**
 * TCP_ZEROCOPY_RECEIVE over lo: the only receive API that could make the reader's side copy-free. The reader mmaps
 * its socket and asks the kernel (getsockopt) to map the queued payload pages into that area; what the kernel cannot
 * map (a page that is not a whole, unshared page of payload) it leaves for recv(), saying how much in
 * recv_skip_hint. So the kernel itself reports, byte by byte, mapped against copied. Every byte is checked against
 * the known pattern, whichever way it came.
 */
public final class ZeroCopyReceive {
    /** getsockopt(IPPROTO_TCP) name, include/uapi/linux/tcp.h. */
    static final int TCP_ZEROCOPY_RECEIVE = 35;

    /** struct tcp_zerocopy_receive (64 bytes since Linux 5.11): the offsets this probe reads and writes. */
    static final int SIZE = 64, ADDRESS = 0, LENGTH = 8, SKIP_HINT = 12, INQ = 16, ERR = 20;

    private static final long PAGE = 4096;
    /** The area the kernel maps into: the size of a full lo segment, rounded to pages. */
    static final long AREA = 64 * 1024;

    private static final int WAIT_MILLIS = 5_000;

    /**
     * What the kernel did with {@code bytes}: how many it mapped, how many were left for recv() (copied), in how many
     * getsockopt calls; {@code refused} names the kernel's refusal of the call itself (null when it took it).
     */
    public record Result(long bytes, long mapped, long copied, long zerocopyCalls, String refused) {
        public double mappedShare() {
            return bytes == 0 ? Double.NaN : mapped / (double) bytes;
        }

        /** A probe that did not get to ask the kernel, and why. */
        public static Result notProbed(String why) {
            return new Result(0, 0, 0, 0, why);
        }

        public String describe() {
            if (bytes == 0) return "TCP_ZEROCOPY_RECEIVE not probed: " + refused;
            if (refused != null)
                return "TCP_ZEROCOPY_RECEIVE refused (" + refused + "): all " + copied
                        + " B came through recv(), copied";
            return String.format(
                    "TCP_ZEROCOPY_RECEIVE on lo: %d of %d B (%.1f %%) mapped into the reader's address space, %d B left for recv() at the kernel's hint (recv_skip_hint) and copied, over %d calls; every byte checked",
                    mapped, bytes, 100 * mappedShare(), copied, zerocopyCalls);
        }
    }

    private ZeroCopyReceive() {}

    /** Sends {@code bytes} of the known pattern over a fresh 127.0.0.1 connection and receives them as above. */
    public static Result run(long bytes, int write) {
        if (bytes <= 0 || write <= 0)
            throw new IllegalArgumentException("bytes " + bytes + " and write size " + write + " must be positive");
        try (Arena arena = Arena.ofShared()) {
            KnownPattern pattern = new KnownPattern(arena, Math.max(write, AREA));
            int[] fds = {-1, -1, -1}; // listener, receiver, sender
            Thread sender = null;
            AtomicReference<Throwable> sendFailed = new AtomicReference<>();
            try {
                fds[0] = Libc.socket(Net.AF_INET, Net.SOCK_STREAM | Net.SOCK_CLOEXEC, 0);
                Libc.bind(fds[0], SockAddrIn.loopback(0).allocate(arena), SockAddrIn.SIZE);
                Libc.listen(fds[0], 1);
                MemorySegment addr = arena.allocate(SockAddrIn.SIZE, 4);
                Libc.getsockname(fds[0], addr, arena.allocateFrom(JAVA_INT, SockAddrIn.SIZE));
                fds[2] = Libc.socket(Net.AF_INET, Net.SOCK_STREAM | Net.SOCK_CLOEXEC, 0);
                Libc.connect(fds[2], addr, SockAddrIn.SIZE);
                fds[1] = Libc.accept4(fds[0], Net.SOCK_CLOEXEC);
                int out = fds[2];
                sender = Thread.ofPlatform().name("zerocopy-receive-sender").start(() -> {
                    try {
                        for (long sent = 0; sent < bytes; ) {
                            long n = Math.min(write, bytes - sent);
                            sent += Libc.send(out, pattern.slice(sent, n), n, 0);
                        }
                        Libc.shutdown(out, Net.SHUT_WR);
                    } catch (Throwable t) {
                        sendFailed.set(t);
                    }
                });
                Result r = receive(fds[1], bytes, pattern, arena);
                sender.join(WAIT_MILLIS);
                if (sendFailed.get() != null)
                    throw new IllegalStateException(
                            "the sender failed: " + sendFailed.get().getMessage(), sendFailed.get());
                return r;
            } finally {
                // the receiver's close resets the connection, which ends a sender still in send(); only then may the
                // arena holding the pattern it sends from close
                for (int fd : fds) if (fd >= 0) Libc.close(fd);
                if (sender != null) sender.join(WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the sender finished", e);
        }
    }

    private static Result receive(int fd, long bytes, KnownPattern pattern, Arena arena) {
        MemorySegment area;
        try {
            area = FileCalls.mmap(AREA, FileCalls.PROT_READ, FileCalls.MAP_SHARED, fd, 0);
        } catch (ErrnoException e) {
            return copyAll(fd, bytes, pattern, arena, 0, 0, 0, "mmap of the socket: " + e.getMessage());
        }
        try {
            MemorySegment zc = arena.allocate(SIZE, 8);
            MemorySegment len = arena.allocate(JAVA_INT);
            MemorySegment buf = arena.allocate(AREA, PAGE);
            long got = 0, mapped = 0, copied = 0, calls = 0;
            while (got < bytes) {
                awaitData(fd, arena, got, bytes);
                zc.fill((byte) 0);
                zc.set(JAVA_LONG, ADDRESS, area.address());
                zc.set(JAVA_INT, LENGTH, (int) Math.min(AREA, (bytes - got) / PAGE * PAGE));
                len.set(JAVA_INT, 0, SIZE);
                try {
                    Libc.getsockopt(fd, Net.IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, zc, len);
                } catch (ErrnoException e) {
                    return copyAll(fd, bytes, pattern, arena, got, mapped, calls, "getsockopt: " + e.getMessage());
                }
                calls++;
                if (zc.get(JAVA_INT, ERR) != 0)
                    throw new IllegalStateException(
                            "TCP_ZEROCOPY_RECEIVE reported socket error " + zc.get(JAVA_INT, ERR));
                long m = Integer.toUnsignedLong(zc.get(JAVA_INT, LENGTH));
                verify(pattern, area, got, m);
                got += m;
                mapped += m;
                long skip = Integer.toUnsignedLong(zc.get(JAVA_INT, SKIP_HINT));
                if (m == 0 && skip == 0) skip = Math.min(AREA, bytes - got); // the tail shorter than a page
                if (skip > 0) {
                    long n = Libc.recv(fd, buf, Math.min(skip, AREA), 0);
                    if (n == 0) break;
                    verify(pattern, buf, got, n);
                    got += n;
                    copied += n;
                }
            }
            if (got != bytes) throw new IllegalStateException("received " + got + " of " + bytes + " bytes");
            return new Result(bytes, mapped, copied, calls, null);
        } finally {
            FileCalls.munmap(area);
        }
    }

    private static Result copyAll(
            int fd, long bytes, KnownPattern pattern, Arena arena, long got, long mapped, long calls, String why) {
        MemorySegment buf = arena.allocate(AREA, PAGE);
        long copied = 0;
        while (got < bytes) {
            awaitData(fd, arena, got, bytes);
            long n = Libc.recv(fd, buf, Math.min(AREA, bytes - got), 0);
            if (n == 0)
                throw new IllegalStateException("the connection ended after " + got + " of " + bytes + " bytes");
            verify(pattern, buf, got, n);
            got += n;
            copied += n;
        }
        return new Result(bytes, mapped, copied, calls, why);
    }

    private static void awaitData(int fd, Arena arena, long got, long bytes) {
        MemorySegment pfd = arena.allocate(PollFd.LAYOUT);
        PollFd.set(pfd, 0, fd, Net.POLLIN);
        if (Libc.poll(pfd, 1, WAIT_MILLIS) <= 0)
            throw new IllegalStateException(
                    "no data within " + WAIT_MILLIS + " ms after " + got + " of " + bytes + " bytes");
    }

    private static void verify(KnownPattern pattern, MemorySegment received, long offset, long n) {
        for (long done = 0; done < n; ) {
            long chunk = Math.min(pattern.maxChunk(), n - done);
            long bad = pattern.check(received.asSlice(done, chunk), offset + done, chunk);
            if (bad >= 0) throw new IllegalStateException("byte " + (offset + done + bad) + " of the stream differs");
            done += chunk;
        }
    }
}

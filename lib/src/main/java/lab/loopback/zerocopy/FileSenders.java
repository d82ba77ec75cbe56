package lab.loopback.zerocopy;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import lab.loopback.measure.StreamRunner.Sent;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.MsgHdr;
import lab.loopback.uring.IoUring;
import lab.loopback.uring.IoUringOp;

/** The file-to-socket techniques the article names, and the baseline they are measured against. */
public final class FileSenders {
    public static final String READ_WRITE = "read-write",
            MMAP_WRITE = "mmap-write",
            SENDFILE = "sendfile",
            SPLICE = "splice",
            SPLICE_MOVE = "splice-move",
            VMSPLICE = "vmsplice",
            MSG_ZEROCOPY = "msg-zerocopy",
            URING_SPLICE = "uring-splice",
            URING_SEND_ZC = "uring-send-zc";

    private FileSenders() {}

    /** Every technique, baseline first. */
    public static List<FileSender> all() {
        return List.of(
                readWrite(),
                mmapWrite(),
                sendfile(),
                splice(false),
                splice(true),
                vmsplice(),
                msgZerocopy(),
                uringSplice(),
                uringSendZc());
    }

    public static List<String> ids() {
        return all().stream().map(FileSender::id).toList();
    }

    public static FileSender byId(String id) {
        return all().stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown file sender '" + id + "'; allowed: " + String.join(", ", ids())));
    }

    public static boolean usesIoUring(String id) {
        return id.startsWith("uring-");
    }

    /** The io_uring opcode sender {@code id} needs (the kernel's probe says whether it has it), or -1 for none. */
    public static int ioUringOp(String id) {
        return switch (id) {
            case URING_SPLICE -> IoUringOp.SPLICE;
            case URING_SEND_ZC -> IoUringOp.SEND_ZC;
            default -> -1;
        };
    }

    private record Named(String id, String sendSide, Body body) implements FileSender {
        @Override
        public Sent send(int fileFd, long size, int sock, int chunk, long deadlineNanos, KernelNotices notices) {
            if (size <= 0) throw new IllegalArgumentException("file size " + size + " B must be positive");
            if (chunk <= 0) throw new IllegalArgumentException("chunk " + chunk + " B must be positive");
            return body.send(fileFd, size, sock, chunk, deadlineNanos, notices);
        }
    }

    @FunctionalInterface
    private interface Body {
        Sent send(int fileFd, long size, int sock, int chunk, long deadline, KernelNotices notices);
    }

    static FileSender readWrite() {
        return new Named(
                READ_WRITE,
                "read() copies page cache → user buffer; write() copies user buffer → skb (tcp_sendmsg)",
                (fd, size, sock, chunk, deadline, n) -> {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment buf = a.allocate(chunk, 4096);
                        long sent = 0, calls = 0;
                        while (sent < size) {
                            long got = Libc.read(fd, buf, Math.min(chunk, size - sent));
                            calls++;
                            if (got == 0) break;
                            for (long done = 0; done < got; calls++)
                                done += Libc.write(sock, buf.asSlice(done), got - done);
                            sent += got;
                            if (System.nanoTime() >= deadline) break;
                        }
                        return new Sent(sent, calls);
                    }
                });
    }

    static FileSender mmapWrite() {
        return new Named(
                MMAP_WRITE,
                "no read copy (the page cache is mapped); write() copies mapped pages → skb (tcp_sendmsg)",
                (fd, size, sock, chunk, deadline, n) ->
                        mapped(fd, size, m -> MemorySenders.write(sock, m::asSlice, size, chunk, deadline)));
    }

    static FileSender sendfile() {
        return new Named(
                SENDFILE,
                "page-cache pages referenced into skbs (splice_to_socket, MSG_SPLICE_PAGES): no send-side copy",
                (fd, size, sock, chunk, deadline, n) -> {
                    long sent = 0, calls = 0;
                    while (sent < size) {
                        long r = FileCalls.sysSendfile(sock, fd, Math.min(chunk, size - sent));
                        calls++;
                        if (r == -Errno.EINTR) continue;
                        if (r < 0) throw new ErrnoException("sendfile(" + sock + ", " + fd + ")", (int) -r);
                        if (r == 0) break;
                        sent += r;
                        if (System.nanoTime() >= deadline) break;
                    }
                    return new Sent(sent, calls);
                });
    }

    static FileSender splice(boolean move) {
        int flags = move ? FileCalls.SPLICE_F_MOVE : 0;
        return new Named(
                move ? SPLICE_MOVE : SPLICE,
                "file → pipe: page-cache pages referenced (no copy); pipe → socket: pages referenced into skbs"
                        + (move ? "; SPLICE_F_MOVE is a hint the kernel has ignored since 2.6.21 (splice(2))" : ""),
                (fd, size, sock, chunk, deadline, n) -> withPipe(chunk, p -> {
                    long sent = 0, calls = 0;
                    while (sent < size) {
                        long in = FileCalls.sysSplice(fd, p[1], Math.min(chunk, size - sent), flags);
                        calls++;
                        if (in == -Errno.EINTR) continue;
                        if (in < 0) throw new ErrnoException("splice(file " + fd + " → pipe)", (int) -in);
                        if (in == 0) break;
                        calls += drainPipe(p[0], sock, in, flags);
                        sent += in;
                        if (System.nanoTime() >= deadline) break;
                    }
                    return new Sent(sent, calls);
                }));
    }

    static FileSender vmsplice() {
        return new Named(
                VMSPLICE,
                "mapped page-cache pages referenced into the pipe (vmsplice), then into skbs (splice): no send-side copy",
                (fd, size, sock, chunk, deadline, n) -> mapped(
                        fd,
                        size,
                        m -> withPipe(chunk, p -> {
                            try (Arena a = Arena.ofConfined()) {
                                MemorySegment iov = a.allocate(MsgHdr.IOVEC);
                                long sent = 0, calls = 0;
                                while (sent < size) {
                                    long len = Math.min(chunk, size - sent);
                                    iov.set(ADDRESS, 0, m.asSlice(sent, len));
                                    iov.set(JAVA_LONG, 8, len);
                                    long in = FileCalls.sysVmsplice(p[1], iov, 1, 0);
                                    calls++;
                                    if (in == -Errno.EINTR) continue;
                                    if (in < 0)
                                        throw new ErrnoException("vmsplice(pipe " + p[1] + ", " + len + ")", (int) -in);
                                    calls += drainPipe(p[0], sock, in, 0);
                                    sent += in;
                                    if (System.nanoTime() >= deadline) break;
                                }
                                return new Sent(sent, calls);
                            }
                        })));
    }

    static FileSender msgZerocopy() {
        return new Named(
                MSG_ZEROCOPY,
                "mapped pages pinned into skbs (MSG_ZEROCOPY); on loopback the kernel copies them before delivery "
                        + "(skb_orphan_frags_rx) and says so in the completion notice",
                (fd, size, sock, chunk, deadline, n) ->
                        mapped(fd, size, m -> MemorySenders.msgZerocopy(sock, m::asSlice, size, chunk, deadline, n)));
    }

    static FileSender uringSplice() {
        return new Named(
                URING_SPLICE,
                "io_uring IORING_OP_SPLICE file → pipe → socket: as splice(2), one io_uring_enter per step",
                (fd, size, sock, chunk, deadline, n) -> withPipe(chunk, p -> {
                    try (IoUring ring = IoUring.setup(4, 0)) {
                        long sent = 0;
                        while (sent < size) {
                            int len = (int) Math.min(chunk, size - sent);
                            long in = uringSplice(ring, fd, p[1], len);
                            if (in == 0) break;
                            for (long left = in; left > 0; ) left -= uringSplice(ring, p[0], sock, (int) left);
                            sent += in;
                            if (System.nanoTime() >= deadline) break;
                        }
                        return new Sent(sent, ring.enterCalls());
                    }
                }));
    }

    static FileSender uringSendZc() {
        return new Named(
                URING_SEND_ZC,
                "io_uring IORING_OP_SEND_ZC of the mapped file: pages pinned into skbs; the notification CQE says whether the kernel copied",
                (fd, size, sock, chunk, deadline, n) -> mapped(fd, size, m -> {
                    try (IoUring ring = IoUring.setup(8, 0)) {
                        return MemorySenders.uring(ring, sock, m::asSlice, size, chunk, true, deadline, n);
                    }
                }));
    }

    private static long uringSplice(IoUring ring, int in, int out, int len) {
        ring.prepSplice(in, -1, out, -1, len, 0, 1);
        ring.submitAndWait(1);
        int res = ring.waitCqe().res();
        if (res < 0) throw new ErrnoException("io_uring SPLICE(" + in + " → " + out + ", " + len + ")", -res);
        return res;
    }

    /** splice(2)s {@code bytes} from the pipe to the socket; returns the calls made. */
    private static long drainPipe(int pipeRead, int sock, long bytes, int flags) {
        long calls = 0;
        while (bytes > 0) {
            long out = FileCalls.sysSplice(pipeRead, sock, bytes, flags);
            calls++;
            if (out == -Errno.EINTR) continue;
            if (out < 0) throw new ErrnoException("splice(pipe → socket " + sock + ")", (int) -out);
            bytes -= out;
        }
        return calls;
    }

    private interface WithMapping {
        Sent run(MemorySegment mapping);
    }

    private static Sent mapped(int fd, long size, WithMapping body) {
        MemorySegment m = FileCalls.mmap(size, FileCalls.PROT_READ, FileCalls.MAP_SHARED, fd, 0);
        try {
            return body.run(m);
        } finally {
            FileCalls.munmap(m);
        }
    }

    private interface WithPipe {
        Sent run(int[] pipe);
    }

    /** A pipe sized to hold one chunk (best effort: beyond /proc/sys/fs/pipe-max-size an unprivileged resize fails). */
    private static Sent withPipe(int chunk, WithPipe body) {
        int[] p = FileCalls.pipe2(FileCalls.O_CLOEXEC);
        try {
            if (chunk > 65536) {
                try {
                    FileCalls.fcntl(p[1], FileCalls.F_SETPIPE_SZ, chunk);
                } catch (ErrnoException e) {
                    // keep the default 64 KiB pipe: a chunk then takes several splice rounds
                }
            }
            return body.run(p);
        } finally {
            Arrays.stream(p).forEach(Libc::close);
        }
    }
}

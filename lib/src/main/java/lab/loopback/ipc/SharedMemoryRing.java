package lab.loopback.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.Owner;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Two single-producer/single-consumer rings (Agrona's {@code OneToOneRingBuffer}) in one file under /dev/shm that
 * both processes map: ring 0 carries the connecting side's bytes, ring 1 the answers. Per connection the listener
 * creates the file (blocks reserved with posix_fallocate, so a full tmpfs is a clear ENOSPC rather than a SIGBUS),
 * tells the peer its name over an AF_UNIX rendezvous socket, and unlinks it as soon as the peer has mapped it, so
 * nothing is left in /dev/shm even if either process dies. The rendezvous socket stays open as the liveness
 * signal. The bind spec is the rendezvous path, as for {@link UnixStream}; the directory for the ring file is the
 * system property {@value #DIR_PROPERTY} (default /dev/shm).
 */
public final class SharedMemoryRing implements StreamTransport {
    public static final String DIR_PROPERTY = "lab.shm.dir";
    /** Ring files are PREFIX-PID-N (see {@link Owner}). */
    static final String PREFIX = "llab-";
    /** Bytes per direction; Agrona caps one message at an eighth of this. */
    public static final int RING_CAPACITY = 4 << 20;

    static final long RING_BYTES = RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Override
    public String id() {
        return "shm";
    }

    /** Where ring files go. */
    public static Path directory() {
        return Path.of(System.getProperty(DIR_PROPERTY, "/dev/shm"));
    }

    /**
     * Ring files whose creating process is gone: normally a file is unlinked once both peers mapped it, but a
     * creator killed outright before the hand-over leaves it. Removed; returns what was removed.
     */
    public static List<Path> removeOrphans() {
        List<Path> removed = new ArrayList<>();
        try (var s = Files.newDirectoryStream(directory(), PREFIX + "*")) {
            for (Path p : s) {
                if (Owner.leftBehind(p.getFileName().toString(), PREFIX) && Files.deleteIfExists(p)) removed.add(p);
            }
        } catch (IOException | SecurityException e) {
            // no /dev/shm or not ours to list: nothing to remove
        }
        return removed;
    }

    /** Why this host cannot map a ring file, or null when it can (the directory exists and is writable). */
    public static String unavailable() {
        Path d = directory();
        if (!Files.isDirectory(d)) return d + " does not exist (no tmpfs for POSIX shared memory)";
        if (!Files.isWritable(d)) return d + " is not writable by uid " + Libc.geteuid();
        return null;
    }

    @Override
    public Listener listen(String bindSpec) {
        String why = unavailable();
        if (why != null) throw new IllegalStateException("shm: " + why);
        return Rendezvous.open("shm", bindSpec, SharedMemoryRing::handOver);
    }

    private static Connection handOver(UnixSocket peer) {
        Path file = directory().resolve(PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        MemorySegment mapping = map(file, true);
        try {
            sendLine(peer, file.toString());
            expectAck(peer);
            return new SharedMemoryConnection(mapping, 0, 1, peer);
        } catch (RuntimeException e) {
            FileCalls.munmap(mapping);
            throw e;
        } finally {
            try {
                Files.deleteIfExists(file); // both sides hold the mapping; the name is no longer needed
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove ring file " + file, e);
            }
        }
    }

    @Override
    public Connection connect(String address) {
        UnixSocket s = UnixSocket.connect(address);
        try {
            MemorySegment mapping = map(Path.of(readLine(s)), false);
            try {
                sendLine(s, "");
                return new SharedMemoryConnection(mapping, 1, 0, s);
            } catch (RuntimeException e) {
                FileCalls.munmap(mapping);
                throw e;
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Creates (sized and zeroed) or opens the ring file and maps both rings shared. */
    static MemorySegment map(Path file, boolean create) {
        long size = 2 * RING_BYTES;
        int flags = Net.O_RDWR | Net.O_CLOEXEC | (create ? Net.O_CREAT | Net.O_EXCL : 0);
        int fd = Libc.open(file.toString(), flags, 0600);
        boolean ok = false;
        try {
            if (create) FileCalls.posixFallocate(fd, size);
            MemorySegment m =
                    FileCalls.mmap(size, FileCalls.PROT_READ | FileCalls.PROT_WRITE, FileCalls.MAP_SHARED, fd, 0);
            ok = true;
            return m;
        } finally {
            FdPairConnection.closeQuietly(fd);
            if (!ok && create) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the original error is the one to report
                }
            }
        }
    }

    private static void sendLine(UnixSocket s, String line) {
        try (Arena a = Arena.ofConfined()) {
            byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
            MemorySegment seg = a.allocate(b.length);
            MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
            s.writeFully(seg, b.length);
        }
    }

    private static String readLine(UnixSocket s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(1);
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 4096) {
                if (s.read(one, 1) == 0)
                    throw new IllegalStateException("shm: the listener closed during the hand-over");
                char c = (char) one.get(ValueLayout.JAVA_BYTE, 0);
                if (c == '\n') return sb.toString();
                sb.append(c);
            }
            throw new IllegalStateException("shm: hand-over line longer than 4096 bytes");
        }
    }

    private static void expectAck(UnixSocket s) {
        if (!readLine(s).isEmpty()) throw new IllegalStateException("shm: unexpected acknowledgement from the peer");
    }
}

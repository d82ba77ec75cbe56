package lab.loopback.zerocopy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.KnownPattern;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.TempFiles;

/**
 * A file whose bytes are the {@link KnownPattern} stream, so a receiver can verify every byte a file-to-socket
 * sender moved. Created in a directory of the caller's choosing, deleted on {@link #close()} (also when
 * creation fails half-way). Its page-cache state can be set and read: {@link #dropFromPageCache()} uses
 * posix_fadvise(POSIX_FADV_DONTNEED), which needs no root and touches only this file (unlike
 * /proc/sys/vm/drop_caches), and {@link #residentFraction()} asks mincore(2) how much of it is in memory.
 */
public final class PatternFile implements AutoCloseable {
    /** Space left free on the file system after the file is written. */
    static final long MARGIN = 256L << 20;

    private final Path path;
    private final long size;
    private final String fileSystem;

    private PatternFile(Path path, long size, String fileSystem) {
        this.path = path;
        this.size = size;
        this.fileSystem = fileSystem;
    }

    /** Writes a new pattern file of {@code size} bytes in {@code dir}. */
    public static PatternFile create(Path dir, long size) {
        if (size <= 0) throw new IllegalArgumentException("file size " + size + " B must be positive");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("directory " + dir + " does not exist");
        Path p = null;
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (size > free - MARGIN) {
                throw new IllegalArgumentException("file size " + Bytes.human(size) + " does not fit in " + dir + ": "
                        + Bytes.human(Math.max(0, free)) + " free, and " + Bytes.human(MARGIN) + " must stay free");
            }
            String fs = Files.getFileStore(dir).type();
            p = TempFiles.file(dir, "pattern", ".pattern");
            int chunk = 1 << 20;
            try (Arena a = Arena.ofConfined();
                    FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                KnownPattern pattern = new KnownPattern(a, chunk);
                for (long off = 0; off < size; off += chunk) {
                    long n = Math.min(chunk, size - off);
                    ByteBuffer b = pattern.slice(off, n).asByteBuffer();
                    while (b.hasRemaining()) ch.write(b);
                }
                ch.force(true);
            }
            return new PatternFile(p, size, fs);
        } catch (IOException e) {
            deleteQuietly(p);
            throw new UncheckedIOException(
                    "cannot write a " + Bytes.human(size) + " pattern file in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(p);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** The file system type the file lives on ("ext4", "tmpfs" …): tmpfs pages can never be cold. */
    public String fileSystem() {
        return fileSystem;
    }

    public boolean canBeCold() {
        return !"tmpfs".equals(fileSystem) && !"ramfs".equals(fileSystem);
    }

    /** Opens the file for reading; a missing or unreadable file is an error naming the path and errno. */
    public static int openForReading(Path p) {
        if (!Files.exists(p)) throw new IllegalArgumentException("file " + p + " does not exist");
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(p + " is not a regular file");
        try {
            return Libc.open(p.toString(), Net.O_RDONLY | Net.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw new IllegalArgumentException(
                    "cannot open " + p + " for reading: " + e.errnoName() + " (" + Libc.strerror(e.errno()) + ")", e);
        }
    }

    public int open() {
        return openForReading(path);
    }

    /** Asks the kernel to drop this file's pages from the page cache; returns the fraction still resident. */
    public double dropFromPageCache() {
        int fd = open();
        try {
            FileCalls.fsync(fd);
            FileCalls.posixFadvise(fd, 0, 0, FileCalls.POSIX_FADV_DONTNEED);
        } finally {
            Libc.close(fd);
        }
        return residentFraction();
    }

    /** Reads the whole file once so every page is cached; returns the fraction resident. */
    public double warm() {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(b) > 0) b.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return residentFraction();
    }

    /** mincore(2) over a mapping of the whole file: resident pages / all pages. */
    public double residentFraction() {
        int fd = open();
        try {
            MemorySegment m = FileCalls.mmap(size, FileCalls.PROT_READ, FileCalls.MAP_SHARED, fd, 0);
            try {
                long pages = (size + FileCalls.PAGE - 1) / FileCalls.PAGE;
                return (double) FileCalls.residentPages(m) / pages;
            } finally {
                FileCalls.munmap(m);
            }
        } finally {
            Libc.close(fd);
        }
    }

    @Override
    public void close() {
        deleteQuietly(path);
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the file is a temp file in a directory the caller chose
        }
    }
}

package lab.loopback.guest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * A guest's root file system as the kernel unpacks it at boot: an uncompressed cpio archive (newc), written entry by
 * entry straight from the host's files (nothing is staged on disk twice; uncompressed because an emulated CPU would
 * spend longer inflating it than the host spends copying it). Every parent directory is written before what it holds,
 * as the kernel's unpacker requires.
 */
final class Initramfs implements AutoCloseable {
    private final CpioArchiveOutputStream cpio;
    private final Set<String> dirs = new HashSet<>();
    private long bytes;

    Initramfs(OutputStream out) {
        this.cpio = new CpioArchiveOutputStream(new BufferedOutputStream(out, 1 << 20), CpioConstants.FORMAT_NEW);
        dirs.add("");
    }

    /** The bytes of file content written so far. */
    long bytes() {
        return bytes;
    }

    void dir(String path) throws IOException {
        String p = strip(path);
        if (dirs.contains(p)) return;
        parents(p);
        CpioArchiveEntry e = entry(p, CpioConstants.C_ISDIR | 0755, 0);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
        dirs.add(p);
    }

    void file(String path, byte[] content, int mode) throws IOException {
        String p = strip(path);
        parents(p);
        cpio.putArchiveEntry(entry(p, CpioConstants.C_ISREG | mode, content.length));
        cpio.write(content);
        cpio.closeArchiveEntry();
        bytes += content.length;
    }

    void text(String path, String content, int mode) throws IOException {
        file(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** The host's file {@code from} (a symbolic link followed) as {@code path}, keeping its executable bits. */
    void copy(Path from, String path) throws IOException {
        String p = strip(path);
        parents(p);
        long size = Files.size(from);
        boolean exec = Files.getPosixFilePermissions(from).contains(PosixFilePermission.OWNER_EXECUTE);
        cpio.putArchiveEntry(entry(p, CpioConstants.C_ISREG | (exec ? 0755 : 0644), size));
        Files.copy(from, cpio);
        cpio.closeArchiveEntry();
        bytes += size;
    }

    void symlink(String path, String target) throws IOException {
        String p = strip(path);
        parents(p);
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        cpio.putArchiveEntry(entry(p, CpioConstants.C_ISLNK | 0777, t.length));
        cpio.write(t);
        cpio.closeArchiveEntry();
    }

    /** A character device node (/dev/console, which the kernel opens for init before anything is mounted). */
    void charDevice(String path, int major, int minor) throws IOException {
        String p = strip(path);
        parents(p);
        CpioArchiveEntry e = entry(p, CpioConstants.C_ISCHR | 0600, 0);
        e.setRemoteDeviceMaj(major);
        e.setRemoteDeviceMin(minor);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    /**
     * The host's directory tree {@code from} as {@code path}: directories, files and symbolic links as they are, except
     * the relative paths {@code skip} names (a file or a whole directory).
     */
    void tree(Path from, String path, List<String> skip) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                String rel = from.relativize(f).toString();
                if (skip.stream().anyMatch(s -> rel.equals(s) || rel.startsWith(s + "/"))) continue;
                String to = rel.isEmpty() ? path : path + "/" + rel;
                if (Files.isSymbolicLink(f))
                    symlink(to, Files.readSymbolicLink(f).toString());
                else if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) dir(to);
                else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) copy(f, to);
            }
        }
    }

    private void parents(String p) throws IOException {
        int slash = p.lastIndexOf('/');
        if (slash > 0) dir(p.substring(0, slash));
    }

    private static CpioArchiveEntry entry(String p, long mode, long size) {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, p, size);
        e.setMode(mode);
        e.setNumberOfLinks(1); // the kernel's unpacker takes a regular file with more links for a hard link
        e.setTime(0);
        return e;
    }

    private static String strip(String path) {
        String p = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (p.isEmpty() || p.contains("/../") || p.startsWith("../"))
            throw new IllegalArgumentException("not a path inside the guest: '" + path + "'");
        return p;
    }

    @Override
    public void close() {
        try {
            cpio.finish();
            cpio.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

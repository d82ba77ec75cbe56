package lab.loopback.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;

/**
 * Named pipes (FIFOs): {@code BASE.c2s} carries the connecting side's bytes, {@code BASE.s2c} the answers. The
 * bind spec is BASE ("" = in a private 0700 directory); an existing FIFO is used as it is, an existing path that
 * is not a FIFO is refused. FIFOs the workbench made are removed when the listener closes.
 * The listener opens c2s for reading, then s2c for writing; the connector opens them in the same order, so the
 * blocking opens pair up instead of deadlocking.
 */
public final class NamedPipes implements StreamTransport {
    static final String UP = ".c2s", DOWN = ".s2c";
    private static final int S_IFMT = 0170000, S_IFIFO = 0010000;

    @Override
    public String id() {
        return "fifo";
    }

    @Override
    public Listener listen(String bindSpec) {
        boolean ours = bindSpec == null || bindSpec.isBlank() || bindSpec.equals("0");
        PrivateDir dir = ours ? PrivateDir.create("fifo") : null;
        String base = ours ? dir.resolve("fifo").toString() : bindSpec;
        List<Path> made = new ArrayList<>();
        try {
            for (String end : new String[] {UP, DOWN}) {
                Path p = Path.of(base + end);
                if (ensureFifo(p)) made.add(p);
            }
        } catch (RuntimeException e) {
            removeAll(made, dir);
            throw e;
        }
        return new Listener() {
            @Override
            public String address() {
                return base;
            }

            @Override
            public Connection accept() {
                int in = Libc.open(base + UP, Net.O_RDONLY | Net.O_CLOEXEC, 0);
                try {
                    return new FdPairConnection(
                            in,
                            Libc.open(base + DOWN, Net.O_WRONLY | Net.O_CLOEXEC, 0),
                            FdPairConnection.Closing.FIFO_LISTENER);
                } catch (RuntimeException e) {
                    FdPairConnection.closeQuietly(in);
                    throw e;
                }
            }

            @Override
            public void close() {
                removeAll(made, dir);
            }
        };
    }

    @Override
    public Connection connect(String base) {
        int out = Libc.open(base + UP, Net.O_WRONLY | Net.O_CLOEXEC, 0);
        try {
            return new FdPairConnection(
                    Libc.open(base + DOWN, Net.O_RDONLY | Net.O_CLOEXEC, 0),
                    out,
                    FdPairConnection.Closing.FIFO_CONNECTOR);
        } catch (RuntimeException e) {
            FdPairConnection.closeQuietly(out);
            throw e;
        }
    }

    /** Makes a FIFO at {@code p} (true) or accepts the FIFO already there (false); anything else there is an error. */
    static boolean ensureFifo(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            FileCalls.mkfifo(p.toString(), 0600);
            return true;
        }
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + p, e);
        }
        if ((mode & S_IFMT) != S_IFIFO) {
            throw new IllegalArgumentException(
                    "fifo: '" + p + "' exists and is not a FIFO (file type " + Integer.toOctalString(mode & S_IFMT)
                            + "); give a base path whose " + UP + "/" + DOWN + " are FIFOs or do not exist");
        }
        return false;
    }

    private static void removeAll(List<Path> made, PrivateDir dir) {
        for (Path p : made) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the private directory's removal reports what matters
            }
        }
        if (dir != null) dir.close();
    }
}

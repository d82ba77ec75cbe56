package lab.loopback.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A listening AF_UNIX socket at a path, used as such (AF_UNIX streams) or as the meeting point where a
 * transport hands its peer something else (pipe descriptors, the name of a shared-memory file). A path the
 * workbench chose lives in a {@link PrivateDir}; both go when the listener closes.
 */
final class Rendezvous implements Listener {
    private final UnixSocket socket;
    private final String path;
    private final PrivateDir dir;
    private final Function<UnixSocket, Connection> onAccept;

    private Rendezvous(UnixSocket socket, String path, PrivateDir dir, Function<UnixSocket, Connection> onAccept) {
        this.socket = socket;
        this.path = path;
        this.dir = dir;
        this.onAccept = onAccept;
    }

    /**
     * Listens at {@code bindSpec} ("" = a fresh private path); every accepted socket is passed to {@code onAccept},
     * which turns it into the transport's connection.
     */
    static Rendezvous open(String purpose, String bindSpec, Function<UnixSocket, Connection> onAccept) {
        boolean ours = bindSpec == null || bindSpec.isBlank() || bindSpec.equals("0");
        if (!ours && Files.exists(Path.of(bindSpec), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(purpose + ": socket path '" + bindSpec
                    + "' already exists; give a path that does not, or \"\" for a private one");
        }
        PrivateDir dir = ours ? PrivateDir.create(purpose) : null;
        String path = ours ? dir.resolve("sock").toString() : bindSpec;
        try {
            return new Rendezvous(UnixSocket.listen(path, 16), path, dir, onAccept);
        } catch (RuntimeException e) {
            if (dir != null) dir.close();
            throw e;
        }
    }

    @Override
    public String address() {
        return path;
    }

    @Override
    public Connection accept() {
        UnixSocket peer = socket.accept();
        try {
            return onAccept.apply(peer);
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException ignored) {
            // the directory removal below reports what matters
        }
        if (dir != null) dir.close();
    }
}

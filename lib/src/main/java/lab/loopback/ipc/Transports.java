package lab.loopback.ipc;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import lab.loopback.sys.Net;

/** Every transport the harnesses know, by id. */
public final class Transports {
    /** The IPC shootout's contenders, in the order tables and figures show them (TCP over lo first). */
    public static final List<String> IPC = List.of("tcp-lo", "unix", "pipe", "fifo", "shm", "grpc", "uring");

    private static final Map<String, StreamTransport> BY_ID = List.<StreamTransport>of(
                    new TcpLoopback(),
                    new TcpNetns(),
                    new UnixStream(),
                    new AnonymousPipes(),
                    new NamedPipes(),
                    new SharedMemoryRing(),
                    new GrpcStreams(),
                    new UringTcp())
            .stream()
            .collect(Collectors.toUnmodifiableMap(StreamTransport::id, Function.identity()));

    private Transports() {}

    public static StreamTransport byId(String id) {
        StreamTransport t = BY_ID.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown transport '" + id + "'; known: "
                    + String.join(", ", BY_ID.keySet().stream().sorted().toList()));
        }
        return t;
    }

    /** The TCP socket under {@code c} (plain or io_uring-driven), or null when {@code c} is not TCP. */
    public static TcpSocket tcpUnder(Connection c) {
        if (c instanceof TcpSocket t) return t;
        if (c instanceof UringConnection u) return u.socket();
        return null;
    }

    /** TCP_NODELAY on {@code c} when it is TCP underneath (a no-op for every other transport); returns {@code c}. */
    public static Connection noDelay(Connection c) {
        TcpSocket t = tcpUnder(c);
        if (t != null) t.setInt(Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
        return c;
    }
}

package lab.loopback.ipc;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every transport the harnesses know, by id. */
public final class Transports {
    private static final Map<String, StreamTransport> BY_ID = List.<StreamTransport>of(new TcpLoopback(), new TcpNetns())
            .stream().collect(Collectors.toUnmodifiableMap(StreamTransport::id, Function.identity()));

    private Transports() {}

    public static StreamTransport byId(String id) {
        StreamTransport t = BY_ID.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown transport '" + id + "'; known: " + String.join(", ", BY_ID.keySet()));
        }
        return t;
    }
}

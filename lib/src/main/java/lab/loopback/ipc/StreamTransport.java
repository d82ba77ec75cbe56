package lab.loopback.ipc;

/**
 * A way for two processes to move a byte stream. The receiver calls {@link #listen}, prints the address,
 * the sender {@link #connect}s to it; both then only read and write. New transports (AF_UNIX, pipes,
 * shared memory, gRPC …) implement this so the stream and ping-pong harnesses run unchanged over them.
 */
public interface StreamTransport {
    /** Stable id used on command lines and in result tables, e.g. "tcp-lo". */
    String id();

    /** Binds according to {@code bindSpec} (transport-specific; "" means the default). */
    Listener listen(String bindSpec);

    Connection connect(String address);
}

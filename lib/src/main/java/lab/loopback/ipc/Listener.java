package lab.loopback.ipc;

/** The receiving side of a transport: bound, waiting for one peer at a time. */
public interface Listener extends AutoCloseable {
    /** Where a sender should connect, in the transport's own notation (for TCP: "127.0.0.1:PORT"). */
    String address();

    Connection accept();

    @Override
    void close();
}

package lab.loopback.ipc;

/**
 * AF_UNIX stream sockets. The bind spec is a socket path that must not exist yet ("" = a fresh path in a
 * private 0700 directory, removed with the listener).
 */
public final class UnixStream implements StreamTransport {
    @Override
    public String id() {
        return "unix";
    }

    @Override
    public Listener listen(String bindSpec) {
        return Rendezvous.open("unix", bindSpec, s -> s);
    }

    @Override
    public Connection connect(String address) {
        return UnixSocket.connect(address);
    }
}

package lab.loopback.ipc;

import lab.loopback.netns.NetNamespace;
import lab.loopback.sys.SockAddrIn;

/**
 * TCP between peers in workbench network namespaces. The listener (a child process started inside its
 * namespace) binds "ADDRESS:PORT"; an address other than 127.0.0.0/8 is refused unless the process is
 * provably outside the host's own namespace, so this transport never listens on a host interface. The
 * connecting side opens its socket inside {@code from} (null: this thread's namespace).
 */
public final class TcpNetns implements StreamTransport {
    public static final String ID = "tcp-netns";
    private final NetNamespace from;

    public TcpNetns(NetNamespace from) {
        this.from = from;
    }

    /** The listening side's instance (what {@link Transports#byId} hands a receiver process). */
    public TcpNetns() {
        this(null);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Listener listen(String bindSpec) {
        SockAddrIn at = parse(bindSpec);
        if (!at.isLoopback() && !NetNamespace.threadInsideOurs()) {
            throw new IllegalStateException("refusing to listen on " + at
                    + ": this process is not inside a workbench network namespace (/run/netns/llab-*)");
        }
        TcpSocket s = TcpSocket.listen(at, 16);
        return s.asListener();
    }

    @Override
    public Connection connect(String address) {
        SockAddrIn to = parse(address);
        return from == null ? TcpSocket.connect(to) : from.call(() -> TcpSocket.connect(to));
    }

    /** "A.B.C.D:PORT" → an address; anything else is an error naming the text. */
    public static SockAddrIn parse(String spec) {
        int colon = spec == null ? -1 : spec.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected IPV4:PORT, got '" + spec + "'");
        String[] octets = spec.substring(0, colon).split("\\.");
        if (octets.length != 4)
            throw new IllegalArgumentException("'" + spec.substring(0, colon) + "' is not a dotted IPv4 address");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(octets[i]);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255)
                throw new IllegalArgumentException("'" + octets[i] + "' in '" + spec + "' is not an octet 0..255");
            a[i] = (byte) v;
        }
        return new SockAddrIn(a, TcpLoopback.parsePort(spec.substring(colon + 1)));
    }
}

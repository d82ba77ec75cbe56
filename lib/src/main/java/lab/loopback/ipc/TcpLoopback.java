package lab.loopback.ipc;

import lab.loopback.sys.SockAddrIn;

/**
 * TCP over 127.0.0.1. The bind spec is a port number ("" or "0" = any free port); listeners never bind
 * anything but the loopback address.
 */
public final class TcpLoopback implements StreamTransport {
    @Override
    public String id() {
        return "tcp-lo";
    }

    @Override
    public Listener listen(String bindSpec) {
        int port = bindSpec == null || bindSpec.isBlank() ? 0 : parsePort(bindSpec);
        TcpSocket s = TcpSocket.listen(SockAddrIn.loopback(port), 16);
        return s.asListener();
    }

    @Override
    public Connection connect(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || !address.substring(0, colon).startsWith("127.")) {
            throw new IllegalArgumentException("tcp-lo connects only to 127.0.0.0/8 HOST:PORT, got '" + address + "'");
        }
        String[] octets = address.substring(0, colon).split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) a[i] = (byte) Integer.parseInt(octets[i]);
        return TcpSocket.connect(new SockAddrIn(a, parsePort(address.substring(colon + 1))));
    }

    static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p >= 0 && p <= 65535) return p;
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("port '" + s + "' is not a number in 0..65535");
    }
}

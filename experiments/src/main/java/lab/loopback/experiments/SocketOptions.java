package lab.loopback.experiments;

import java.util.Arrays;
import java.util.List;
import lab.loopback.echo.EchoClients;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.Net;

/** The per-socket knobs of VETH-2, each set on the sending socket and read back from the kernel. */
enum SocketOptions {
    DEFAULTS("defaults", -1, 0, EchoClients.Framing.HEADER_THEN_BODY),
    NODELAY("TCP_NODELAY=1", Net.TCP_NODELAY, 1, EchoClients.Framing.HEADER_THEN_BODY),
    NOTSENT_LOWAT("TCP_NOTSENT_LOWAT=16384", Net.TCP_NOTSENT_LOWAT, 16384, EchoClients.Framing.HEADER_THEN_BODY),
    CORK("TCP_CORK around each message", Net.TCP_CORK, 1, EchoClients.Framing.CORKED);

    final String label;
    final int option, value;
    /** How a request is written in the round-trip test: header and body, corked for TCP_CORK. */
    final EchoClients.Framing framing;

    SocketOptions(String label, int option, int value, EchoClients.Framing framing) {
        this.label = label;
        this.option = option;
        this.value = value;
        this.framing = framing;
    }

    /**
     * Sets the option for a bulk stream and returns what getsockopt reads back ("-" for the defaults). TCP_CORK
     * stays on for the whole stream: only a partial last segment waits for it, and closing flushes it.
     */
    String apply(TcpSocket s) {
        if (option < 0) return "-";
        s.setInt(Net.IPPROTO_TCP, option, value);
        int back = s.getInt(Net.IPPROTO_TCP, option);
        if (back != value) throw new IllegalStateException(label + " did not take: getsockopt reads " + back);
        return Integer.toString(back);
    }

    /** For round trips TCP_CORK is set and cleared per message by the framing; the others are set once. */
    String applyForRoundTrips(TcpSocket s) {
        return this == CORK ? "per message" : apply(s);
    }

    static List<String> labels() {
        return Arrays.stream(values()).map(o -> o.label).toList();
    }
}

package lab.loopback.ipc;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import lab.loopback.sys.Net;

/**
 * How a reader waits for the next message (MORE-1): asleep in a blocking read(2); in epoll_wait(2) on a
 * non-blocking descriptor (what a selector does); spinning on a non-blocking read that returns EAGAIN; or a
 * blocking read with SO_BUSY_POLL set, which makes the kernel poll the device queue (NAPI) before sleeping —
 * when the socket has a NAPI id to poll.
 */
public enum WaitMode {
    BLOCKING(c -> c),
    EPOLL(c -> new NonBlocking(c, NonBlocking.Wait.EPOLL)),
    SPIN(c -> new NonBlocking(c, NonBlocking.Wait.SPIN)),
    BUSY_POLL(c -> {
        TcpSocket t = Transports.tcpUnder(c);
        if (t == null)
            throw new IllegalArgumentException(
                    "SO_BUSY_POLL needs a socket; " + c.getClass().getSimpleName() + " is none");
        t.setInt(Net.SOL_SOCKET, Net.SO_BUSY_POLL, WaitMode.BUSY_POLL_MICROS);
        return c;
    });

    /** How long a busy-polling read polls before it sleeps, in µs (the value net.core.busy_read suggests). */
    public static final int BUSY_POLL_MICROS = 50;

    private final UnaryOperator<Connection> apply;

    WaitMode(UnaryOperator<Connection> apply) {
        this.apply = apply;
    }

    /** {@code c} set up to wait this way (the returned connection may wrap it). */
    public Connection apply(Connection c) {
        return apply.apply(c);
    }

    public static WaitMode parse(String name) {
        for (WaitMode m : values()) if (m.name().equalsIgnoreCase(name)) return m;
        throw new IllegalArgumentException("unknown wait mode '" + name + "'; known: " + Arrays.toString(values()));
    }
}

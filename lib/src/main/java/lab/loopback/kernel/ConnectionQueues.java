package lab.loopback.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes the kernel holds for the TCP connections to one port, from /proc/net/tcp: the senders' unacknowledged
 * or unsent bytes (tx_queue) plus the receiver's bytes not yet read (rx_queue), over every established socket on
 * 127.0.0.1 whose local or remote port is {@code port}.
 */
public final class ConnectionQueues {
    private ConnectionQueues() {}

    /** Bytes queued now, or -1 when /proc/net/tcp cannot be read. */
    public static long queuedBytes(int port) {
        try {
            return parse(Files.readString(Path.of("/proc/net/tcp")), port);
        } catch (IOException e) {
            return -1;
        }
    }

    static long parse(String procNetTcp, int port) {
        String hexPort = String.format(":%04X", port);
        long total = 0;
        for (String line : procNetTcp.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[3].equals("01")) continue; // 01 = ESTABLISHED
            if (!f[1].endsWith(hexPort) && !f[2].endsWith(hexPort)) continue;
            String[] q = f[4].split(":");
            total += Long.parseLong(q[0], 16) + Long.parseLong(q[1], 16);
        }
        return total;
    }
}

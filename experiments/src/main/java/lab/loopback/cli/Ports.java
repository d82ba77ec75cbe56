package lab.loopback.cli;

import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.SockAddrIn;

/** Checks a --port choice before a run starts, so a busy port is one clear line, not a failed experiment. */
final class Ports {
    private Ports() {}

    static void check(int port) {
        if (port == 0) return;
        if (port < 1024 || port > 65534) {
            throw new IllegalArgumentException("--port " + port + " is outside 1024..65534 (or 0 for any free port)");
        }
        for (int p : new int[] {port, port + 1}) {
            try (TcpSocket _ = TcpSocket.listen(SockAddrIn.loopback(p), 1)) {
                // free: closing it again releases the port
            } catch (ErrnoException e) {
                throw new IllegalArgumentException("--port " + port + ": 127.0.0.1:" + p + " is not available ("
                        + e.errnoName() + "); the run needs port and port+1 free, or use --port 0");
            }
        }
    }
}

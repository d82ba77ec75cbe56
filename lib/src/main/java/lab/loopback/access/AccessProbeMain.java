package lab.loopback.access;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.UnixSocket;
import lab.loopback.measure.ChildLine;
import lab.loopback.sys.Errno;
import lab.loopback.sys.ErrnoException;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.sys.ThreadCredentials;

/**
 * The other user of SEC-2, run in its own JVM (started as root so it can read the project's classes): it
 * drops its main thread to {@code UID:GID} with {@link ThreadCredentials}, prints {@code CREDS <status lines>},
 * then tries each target — {@code tcp:PORT} (127.0.0.1) or {@code unix:PATH} — printing
 * {@code TRY <target> ok|<ERRNO>}, holds the connections open until stdin closes, and exits.
 */
public final class AccessProbeMain {
    private AccessProbeMain() {}

    /** The probe's thread after the drop, as the kernel describes its credentials. */
    public record Creds(String thread) {}

    /** One connect attempt: the target (tcp:PORT or unix:PATH) and "ok" or the errno's name. */
    public record Try(String target, String result) {}

    /** Every target was tried. */
    public record Done() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AccessProbeMain UID GID TARGET...   (TARGET: tcp:PORT | unix:PATH)");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        preload();
        ThreadCredentials.dropThreadTo(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        out.println(ChildLine.format(new Creds(ThreadCredentials.describeThread())));
        List<AutoCloseable> open = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String t = args[i];
            try {
                if (t.startsWith("tcp:"))
                    open.add(TcpSocket.connect(SockAddrIn.loopback(Integer.parseInt(t.substring(4)))));
                else if (t.startsWith("unix:")) open.add(UnixSocket.connect(t.substring(5)));
                else throw new IllegalArgumentException("target '" + t + "' is neither tcp:PORT nor unix:PATH");
                out.println(ChildLine.format(new Try(t, "ok")));
            } catch (ErrnoException e) {
                out.println(ChildLine.format(new Try(t, Errno.name(e.errno()))));
            }
        }
        out.println(ChildLine.format(new Done()));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                /* wait for the parent */
            }
        }
        for (AutoCloseable c : open) c.close();
    }

    /** Loads and runs once, as root, every path used after the drop: a dropped thread may not be able to read class files. */
    static void preload() {
        try {
            UnixSocket.connect("/nonexistent/loopback-lab-preload").close();
        } catch (ErrnoException expected) {
            Errno.name(expected.errno());
        }
        try {
            TcpSocket.connect(SockAddrIn.loopback(1)).close();
        } catch (ErrnoException expected) {
            // port 1 has no listener: the failure path is now loaded too
        }
        ThreadCredentials.describeThread();
    }
}

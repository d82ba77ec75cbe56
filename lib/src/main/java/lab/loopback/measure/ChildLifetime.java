package lab.loopback.measure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * How a child JVM of the workbench ends on its own: after its lifetime whatever it is doing (a parent that died
 * mid-measurement must not leave it running), and when its stdin closes (the parent is gone or done). Both run the
 * child's last step first (say, closing a listener whose files halt() would otherwise leave), then halt: shutdown hooks
 * and non-daemon threads (gRPC's event loops) must not keep it alive.
 */
public final class ChildLifetime {
    private ChildLifetime() {}

    /** After {@code maxSeconds}: says so on stderr as {@code who}, runs {@code last}, halts with status 3. */
    public static void bound(String who, long maxSeconds, Runnable last) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000);
            } catch (InterruptedException ignored) {
                return; // nobody interrupts it; if someone did, the child goes on under the parent's control
            }
            System.err.println(who + ": lifetime of " + maxSeconds + " s reached, exiting");
            last.run();
            Runtime.getRuntime().halt(3);
        });
    }

    /** When stdin reaches its end (or fails): runs {@code last}, halts with status 0. For children that read no commands. */
    public static void endWithStdin(Runnable last) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    /* no commands */
                }
            } catch (Exception ignored) {
                // fall through to exit
            }
            last.run();
            Runtime.getRuntime().halt(0);
        });
    }
}

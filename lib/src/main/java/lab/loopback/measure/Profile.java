package lab.loopback.measure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much measuring a run does. {@code quick}: seconds per experiment (tests, CI, notebooks by default);
 * {@code standard}: the real run. Every traffic loop is bounded by both {@code trialSeconds} and
 * {@code trialMaxBytes}.
 */
public enum Profile {
    QUICK(
            1,
            3,
            0.25,
            4L << 30,
            List.of(4096, 65536, 131072, 1 << 20, 4 << 20),
            1,
            0,
            1,
            0.05,
            64L << 20,
            16L << 20,
            300,
            List.of(64, 4096, 65536, 4 << 20),
            0.2,
            20_000),
    STANDARD(
            2,
            10,
            2.0,
            64L << 30,
            List.of(1024, 4096, 16384, 65536, 131072, 262144, 1 << 20, 4 << 20),
            3,
            1,
            5,
            0.3,
            256L << 20,
            128L << 20,
            3000,
            List.of(64, 512, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20),
            1.0,
            200_000);

    public final int warmups;
    public final int trials;
    public final double trialSeconds;
    public final long trialMaxBytes;
    public final List<Integer> writeSizes;
    public final int iperf3Seconds;
    /** Leading seconds iperf3 leaves out of its report (-O), its own warm-up. */
    public final int iperf3OmitSeconds;

    public final int iperf3Runs;
    public final double memcpySecondsPerSize;
    public final long memcpyLargest;
    /** Bytes of the one transfer the kernel-testimony experiments trace. */
    public final long tracedBytes;
    /** Small writes timed one by one for the wake-up distribution (PATH-2). */
    public final int wakeupMessages;
    /** Message sizes of the IPC shootout (IPC-1), for both the stream and the ping-pong runner. */
    public final List<Integer> ipcSizes;
    /** Measuring time of one ping-pong trial, and its round-trip bound. */
    public final double pingPongSeconds;

    public final int pingPongRoundTrips;

    Profile(
            int warmups,
            int trials,
            double trialSeconds,
            long trialMaxBytes,
            List<Integer> writeSizes,
            int iperf3Seconds,
            int iperf3OmitSeconds,
            int iperf3Runs,
            double memcpySecondsPerSize,
            long memcpyLargest,
            long tracedBytes,
            int wakeupMessages,
            List<Integer> ipcSizes,
            double pingPongSeconds,
            int pingPongRoundTrips) {
        this.warmups = warmups;
        this.trials = trials;
        this.trialSeconds = trialSeconds;
        this.trialMaxBytes = trialMaxBytes;
        this.writeSizes = writeSizes;
        this.iperf3Seconds = iperf3Seconds;
        this.iperf3OmitSeconds = iperf3OmitSeconds;
        this.iperf3Runs = iperf3Runs;
        this.memcpySecondsPerSize = memcpySecondsPerSize;
        this.memcpyLargest = memcpyLargest;
        this.tracedBytes = tracedBytes;
        this.wakeupMessages = wakeupMessages;
        this.ipcSizes = ipcSizes;
        this.pingPongSeconds = pingPongSeconds;
        this.pingPongRoundTrips = pingPongRoundTrips;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Profile parse(String s) {
        for (Profile p : values()) if (p.id().equalsIgnoreCase(s == null ? "" : s.trim())) return p;
        throw new IllegalArgumentException("unknown profile '" + s + "'; allowed: "
                + String.join(", ", Arrays.stream(values()).map(Profile::id).toList()));
    }

    /** The profile named by the environment variable LAB_PROFILE, else quick. */
    public static Profile fromEnvironment() {
        String v = System.getenv("LAB_PROFILE");
        return v == null || v.isBlank() ? QUICK : parse(v);
    }
}

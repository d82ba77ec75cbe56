package lab.loopback.measure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much measuring a run does. {@code quick}: seconds per experiment (tests, CI, notebooks by default);
 * {@code standard}: the real run, a first pass sized to leave room in its {@link #budget} for a second look where a
 * verdict is undecided; {@code thorough}: the long fixed plan (every size, long trials, no budget). Every traffic
 * loop is bounded by both {@code trialSeconds} and {@code trialMaxBytes}.
 */
public enum Profile {
    QUICK(new Settings()
            .warmups(1)
            .trials(3)
            .trialSeconds(0.25)
            .trialMaxBytes(4L << 30)
            .writeSizes(4096, 65536, 131072, 1 << 20, 4 << 20)
            .iperf3Seconds(1)
            .iperf3OmitSeconds(0)
            .iperf3Runs(1)
            .memcpySecondsPerSize(0.05)
            .memcpyLargest(64L << 20)
            .tracedBytes(16L << 20)
            .wakeupMessages(300)
            .ipcSizes(64, 4096, 65536, 4 << 20)
            .pingPongSeconds(0.2)
            .pingPongRoundTrips(20_000)
            .calibrationRounds(2)
            .calibrationSeconds(1)
            .calibrationStreamSizes(65536)
            .calibrationPingPongSizes(64)
            .budget(Duration.ofMinutes(10))),
    STANDARD(new Settings()
            .warmups(1)
            .trials(5)
            .trialSeconds(0.5)
            .trialMaxBytes(16L << 30)
            .writeSizes(4096, 16384, 65536, 131072, 1 << 20, 4 << 20)
            .iperf3Seconds(2)
            .iperf3OmitSeconds(1)
            .iperf3Runs(2)
            .memcpySecondsPerSize(0.1)
            .memcpyLargest(128L << 20)
            .tracedBytes(32L << 20)
            .wakeupMessages(1000)
            .ipcSizes(64, 4096, 65536, 4 << 20)
            .pingPongSeconds(0.3)
            .pingPongRoundTrips(60_000)
            .calibrationRounds(4)
            .calibrationSeconds(1)
            .calibrationStreamSizes(65536, 1 << 20)
            .calibrationPingPongSizes(64)
            .budget(Duration.ofMinutes(15))),
    THOROUGH(new Settings()
            .warmups(2)
            .trials(10)
            .trialSeconds(2.0)
            .trialMaxBytes(64L << 30)
            .writeSizes(1024, 4096, 16384, 65536, 131072, 262144, 1 << 20, 4 << 20)
            .iperf3Seconds(3)
            .iperf3OmitSeconds(1)
            .iperf3Runs(5)
            .memcpySecondsPerSize(0.3)
            .memcpyLargest(256L << 20)
            .tracedBytes(128L << 20)
            .wakeupMessages(3000)
            .ipcSizes(64, 512, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20)
            .pingPongSeconds(1.0)
            .pingPongRoundTrips(200_000)
            .calibrationRounds(6)
            .calibrationSeconds(1)
            .calibrationStreamSizes(16384, 65536, 131072, 1 << 20)
            .calibrationPingPongSizes(64, 4096)
            .budget(null));

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
    /**
     * The harness beside its C reference (iperf3, sockperf), interleaved: rounds per size and placement (each a pair,
     * in alternating order), seconds each side runs (whole seconds: the tools' -t), and the sizes compared.
     */
    public final int calibrationRounds;

    public final int calibrationSeconds;
    public final List<Integer> calibrationStreamSizes;
    public final List<Integer> calibrationPingPongSizes;
    /**
     * How long a run of this profile's experiments may take before it stops taking second looks ({@code lab run
     * --budget} changes it); null: no bound, every undecided comparison gets its second look.
     */
    public final Duration budget;

    Profile(Settings s) {
        this.warmups = s.require(s.warmups, "warmups");
        this.trials = s.require(s.trials, "trials");
        this.trialSeconds = s.require(s.trialSeconds, "trialSeconds");
        this.trialMaxBytes = s.require(s.trialMaxBytes, "trialMaxBytes");
        this.writeSizes = s.require(s.writeSizes, "writeSizes");
        this.iperf3Seconds = s.require(s.iperf3Seconds, "iperf3Seconds");
        this.iperf3OmitSeconds = s.require(s.iperf3OmitSeconds, "iperf3OmitSeconds");
        this.iperf3Runs = s.require(s.iperf3Runs, "iperf3Runs");
        this.memcpySecondsPerSize = s.require(s.memcpySecondsPerSize, "memcpySecondsPerSize");
        this.memcpyLargest = s.require(s.memcpyLargest, "memcpyLargest");
        this.tracedBytes = s.require(s.tracedBytes, "tracedBytes");
        this.wakeupMessages = s.require(s.wakeupMessages, "wakeupMessages");
        this.ipcSizes = s.require(s.ipcSizes, "ipcSizes");
        this.pingPongSeconds = s.require(s.pingPongSeconds, "pingPongSeconds");
        this.pingPongRoundTrips = s.require(s.pingPongRoundTrips, "pingPongRoundTrips");
        this.calibrationRounds = s.require(s.calibrationRounds, "calibrationRounds");
        this.calibrationSeconds = s.require(s.calibrationSeconds, "calibrationSeconds");
        this.calibrationStreamSizes = s.require(s.calibrationStreamSizes, "calibrationStreamSizes");
        this.calibrationPingPongSizes = s.require(s.calibrationPingPongSizes, "calibrationPingPongSizes");
        this.budget = s.budgetSet ? s.budget : s.require(null, "budget");
    }

    /** The one of three values that belongs to this profile, for a setting one experiment alone has. */
    public <T> T by(T quick, T standard, T thorough) {
        return switch (this) {
            case QUICK -> quick;
            case STANDARD -> standard;
            case THOROUGH -> thorough;
        };
    }

    /** A profile's values by name, each one required: a profile that forgets one fails when the class loads. */
    private static final class Settings {
        Integer warmups, trials, iperf3Seconds, iperf3OmitSeconds, iperf3Runs, wakeupMessages, pingPongRoundTrips;
        Integer calibrationRounds, calibrationSeconds;
        Double trialSeconds, memcpySecondsPerSize, pingPongSeconds;
        Long trialMaxBytes, memcpyLargest, tracedBytes;
        List<Integer> writeSizes, ipcSizes, calibrationStreamSizes, calibrationPingPongSizes;
        Duration budget;
        boolean budgetSet;

        Settings budget(Duration v) {
            budget = v;
            budgetSet = true;
            return this;
        }

        <T> T require(T value, String name) {
            if (value == null) throw new IllegalStateException("a profile does not set " + name);
            return value;
        }

        Settings warmups(int v) {
            warmups = v;
            return this;
        }

        Settings trials(int v) {
            trials = v;
            return this;
        }

        Settings trialSeconds(double v) {
            trialSeconds = v;
            return this;
        }

        Settings trialMaxBytes(long v) {
            trialMaxBytes = v;
            return this;
        }

        Settings writeSizes(Integer... v) {
            writeSizes = List.of(v);
            return this;
        }

        Settings iperf3Seconds(int v) {
            iperf3Seconds = v;
            return this;
        }

        Settings iperf3OmitSeconds(int v) {
            iperf3OmitSeconds = v;
            return this;
        }

        Settings iperf3Runs(int v) {
            iperf3Runs = v;
            return this;
        }

        Settings memcpySecondsPerSize(double v) {
            memcpySecondsPerSize = v;
            return this;
        }

        Settings memcpyLargest(long v) {
            memcpyLargest = v;
            return this;
        }

        Settings tracedBytes(long v) {
            tracedBytes = v;
            return this;
        }

        Settings wakeupMessages(int v) {
            wakeupMessages = v;
            return this;
        }

        Settings ipcSizes(Integer... v) {
            ipcSizes = List.of(v);
            return this;
        }

        Settings pingPongSeconds(double v) {
            pingPongSeconds = v;
            return this;
        }

        Settings pingPongRoundTrips(int v) {
            pingPongRoundTrips = v;
            return this;
        }

        Settings calibrationRounds(int v) {
            calibrationRounds = v;
            return this;
        }

        Settings calibrationSeconds(int v) {
            calibrationSeconds = v;
            return this;
        }

        Settings calibrationStreamSizes(Integer... v) {
            calibrationStreamSizes = List.of(v);
            return this;
        }

        Settings calibrationPingPongSizes(Integer... v) {
            calibrationPingPongSizes = List.of(v);
            return this;
        }
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

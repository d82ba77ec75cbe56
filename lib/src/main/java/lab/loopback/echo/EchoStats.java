package lab.loopback.echo;

import org.HdrHistogram.Histogram;

/** One echo run at one size: round-trip latency percentiles (µs) from an HdrHistogram, and the rate. */
public record EchoStats(
        String transport,
        int size,
        long roundTrips,
        double p50Micros,
        double p90Micros,
        double p99Micros,
        double p999Micros,
        double maxMicros,
        double seconds,
        long syscallsByClient) {
    static EchoStats of(String transport, int size, Histogram h, double seconds, long syscalls) {
        return new EchoStats(
                transport,
                size,
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3,
                seconds,
                syscalls);
    }

    public double roundTripsPerSecond() {
        return roundTrips / seconds;
    }
}

package lab.loopback.workbench;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The time a run's experiments may take ({@code lab run --budget}): every experiment's first pass is always measured;
 * a second look is taken only when its estimate fits in what is left. No limit: every second look is taken.
 */
public final class Budget {
    private final Duration limit;
    private final LongSupplier nanos;
    private final long start;

    /** {@code limit} null: no bound. {@code nanos}: the clock (tests pass their own). */
    public Budget(Duration limit, LongSupplier nanos) {
        if (limit != null && (limit.isNegative() || limit.isZero()))
            throw new IllegalArgumentException("a budget must be positive; got " + limit);
        this.limit = limit;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    public static Budget of(Duration limit) {
        return new Budget(limit, System::nanoTime);
    }

    /** The limit in seconds; null when there is none. */
    public Double limitSeconds() {
        return limit == null ? null : limit.toMillis() / 1e3;
    }

    public double elapsedSeconds() {
        return (nanos.getAsLong() - start) / 1e9;
    }

    /** Seconds left; infinite without a limit, negative once overspent (a first pass is never cut short). */
    public double remainingSeconds() {
        return limit == null ? Double.POSITIVE_INFINITY : limitSeconds() - elapsedSeconds();
    }

    /** Whether something estimated to take {@code seconds} ends within the budget. */
    public boolean fits(double seconds) {
        return seconds <= remainingSeconds();
    }

    /** "312 s of 900 s, 588 s left", or "312 s, no budget". */
    public String describe() {
        return limit == null
                ? String.format(Locale.ROOT, "%.0f s, no budget", elapsedSeconds())
                : String.format(
                        Locale.ROOT,
                        "%.0f s of %.0f s, %.0f s left",
                        elapsedSeconds(),
                        limitSeconds(),
                        Math.max(0, remainingSeconds()));
    }

    /**
     * A duration as {@code lab run --budget} takes it: {@code 15m}, {@code 900s}, {@code 1h30m}, {@code 90} (minutes),
     * or {@code none} (no bound: null).
     */
    public static Duration parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none")) return null;
        String why =
                "budget '" + s + "' is not a duration; allowed: minutes (90), or a sum of h, m, s parts (15m, 900s,"
                        + " 1h30m), or none";
        if (v.matches("\\d+")) v += "m";
        if (!v.matches("(\\d+h)?(\\d+m)?(\\d+s)?") || v.isEmpty()) throw new IllegalArgumentException(why);
        Duration d;
        try {
            d = Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(why, e);
        }
        if (d.isZero()) throw new IllegalArgumentException("budget '" + s + "' is zero; a run needs a positive budget");
        return d;
    }
}

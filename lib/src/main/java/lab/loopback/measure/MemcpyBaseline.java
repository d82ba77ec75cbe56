package lab.loopback.measure;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What this host's CPU can copy: {@link MemorySegment#copy} (the JDK's memmove intrinsic) between two
 * native buffers of one size, swept from L1-sized to well beyond any last-level cache. Rates count bytes
 * copied per second (each byte read once and written once), the unit a kernel copy is measured in too.
 */
public final class MemcpyBaseline {
    public record Point(long size, int trial, long bytesCopied, double seconds) {
        public double bytesPerSecond() {
            return bytesCopied / seconds;
        }

        public double nanosPerByte() {
            return seconds * 1e9 / bytesCopied;
        }
    }

    private MemcpyBaseline() {}

    /** The median rate (bytes/s) of the sweep's points at {@code size}, with its interval. */
    public static Estimate rateAt(List<Point> pts, long size) {
        double[] r = pts.stream()
                .filter(x -> x.size() == size)
                .mapToDouble(Point::bytesPerSecond)
                .toArray();
        if (r.length == 0) throw new IllegalStateException("memcpy sweep has no point at " + size + " bytes");
        return Estimate.ofMedian(r);
    }

    /** The sweep's buffer size closest to {@code size}. */
    public static long nearestSize(List<Point> pts, long size) {
        return pts.stream()
                .mapToLong(Point::size)
                .boxed()
                .min((a, b) -> Long.compare(Math.abs(a - size), Math.abs(b - size)))
                .orElseThrow(() -> new IllegalStateException("the memcpy sweep is empty"));
    }

    /** Sizes 4 KiB, 16 KiB, … up to {@code largest} (factor 4), {@code trials} timed passes each. */
    public static List<Point> sweep(long largest, double secondsPerPoint, int trials) {
        if (largest < 4096) throw new IllegalArgumentException("largest memcpy size " + largest + " is below 4096");
        List<Point> out = new ArrayList<>();
        for (long size = 4096; size <= largest; size *= 4) out.addAll(measure(size, secondsPerPoint, trials));
        return out;
    }

    public static List<Point> measure(long size, double secondsPerPoint, int trials) {
        List<Point> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(size, 4096);
            MemorySegment dst = arena.allocate(size, 4096);
            // varied content, so the final check would notice a copy that moved the wrong bytes
            for (long i = 0; i + 8 <= size; i += 8)
                src.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
            for (long i = size & ~7L; i < size; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            dst.fill((byte) 0); // fault the pages in before timing
            copyFor(src, dst, secondsPerPoint / 2); // warm-up: JIT and caches
            for (int t = 0; t < trials; t++) {
                long start = System.nanoTime();
                long copied = copyFor(src, dst, secondsPerPoint);
                out.add(new Point(size, t, copied, (System.nanoTime() - start) / 1e9));
            }
            long bad = MemorySegment.mismatch(src, 0, size, dst, 0, size);
            if (bad >= 0)
                throw new IllegalStateException(
                        "memcpy baseline did not copy: byte " + bad + " of " + size + " differs");
        }
        return out;
    }

    private static long copyFor(MemorySegment src, MemorySegment dst, double seconds) {
        long size = src.byteSize();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long copied = 0;
        do {
            MemorySegment.copy(src, 0, dst, 0, size);
            copied += size;
        } while (System.nanoTime() < deadline);
        return copied;
    }
}

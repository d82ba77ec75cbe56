package lab.loopback.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import lab.loopback.measure.KnownPattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the stream receiver's byte-for-byte check costs per read, the cost iperf3's receiver does not pay: {@code
 * check} is {@link KnownPattern#check}, {@code periodAtATime} the alternative that compares a period at a time so the
 * pattern side stays within its first two periods (128 KiB). Each invocation checks the next read of a 4 MiB stream,
 * so the pattern offset moves as it does in a transfer; a result that is not "all equal" throws, so neither can be
 * optimised into not comparing. Measured here: both ~31 µs per MiB (~34 GB/s) — on this host the pattern stays in L3
 * either way, so the alternative was not kept. Tried again in place (stop 32), where it would matter most: 1 MiB
 * writes, both peers on one vCPU, the two checks and iperf3 interleaved per round, 2 s trials: the period-at-a-time
 * receiver's rate over the whole-slice receiver's was 1.10× (8 rounds), 0.96× (12) and 1.04× (30) by the median, and
 * 1.01× [0.97, 1.06] in 60 rounds of the two checks alone — no gain, so the whole-slice check stays.
 *
 * <p>Run: {@code ./lab bench PatternCheckBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PatternCheckBenchmark {
    @Param({"65536", "1048576"})
    public int readSize;

    private Arena arena;
    private KnownPattern pattern;
    /** Reads of the stream, one after another, as the receiver's buffer would hold them. */
    private MemorySegment[] reads;

    private long offset;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        arena = Arena.ofConfined();
        pattern = new KnownPattern(arena, readSize);
        // enough reads to cycle through the pattern's offsets; 4 MiB in all, beyond L2 like a receiver's stream
        reads = new MemorySegment[Math.max(4, (4 << 20) / readSize)];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = arena.allocate(readSize, 64);
            reads[i].copyFrom(pattern.slice((long) i * readSize, readSize));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    @Benchmark
    public long check() {
        return verified(pattern.check(reads[next], offset, readSize));
    }

    @Benchmark
    public long periodAtATime() {
        MemorySegment received = reads[next];
        for (long done = 0; done < readSize; ) {
            long n = Math.min(readSize - done, KnownPattern.PERIOD);
            long m = MemorySegment.mismatch(received, done, done + n, pattern.slice(offset + done, n), 0, n);
            if (m >= 0) return verified(done + m);
            done += n;
        }
        return verified(-1);
    }

    private long verified(long mismatch) {
        if (mismatch != -1) throw new IllegalStateException("read " + next + " differs at " + mismatch);
        next = (next + 1) % reads.length;
        offset = (long) next * readSize;
        return mismatch;
    }
}

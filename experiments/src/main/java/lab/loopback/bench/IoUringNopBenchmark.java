package lab.loopback.bench;

import java.util.concurrent.TimeUnit;
import lab.loopback.uring.Cqe;
import lab.loopback.uring.IoUring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One NOP round trip through the workbench's io_uring binding: prepare an SQE, publish it, io_uring_enter to
 * submit and wait, read the CQE. It is the floor under every io_uring number the workbench reports (one
 * syscall plus the ring's memory ordering). A ring the host refuses fails the set-up with the reason.
 *
 * <p>Run: {@code ./lab bench IoUringNopBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class IoUringNopBenchmark {
    private IoUring ring;

    @Setup(Level.Trial)
    public void open() {
        ring = IoUring.setup(8, 0);
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }

    @Benchmark
    public long nopRoundTrip() {
        ring.prepNop(42);
        ring.submitAndWait(1);
        Cqe c = ring.waitCqe();
        if (c.userData() != 42 || c.res() != 0) throw new IllegalStateException("NOP came back as " + c);
        return c.userData();
    }
}

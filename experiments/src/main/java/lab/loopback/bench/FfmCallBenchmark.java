package lab.loopback.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
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
 * What one system call costs through this workbench's FFM layer, against the JDK's own path to the same
 * call. Every benchmark writes one byte to /dev/null (a real write(2) that the kernel returns at once), so
 * the differences are the user-space costs of getting there: FFM downcall with errno capture vs JDK JNI.
 * getpid(2) is the cheapest syscall, for scale. Two more downcalls of the same write(2) take apart what the
 * workbench's own downcall adds: one without errno capture (what capturing costs) and one linked as critical (no
 * Java-to-native thread-state transition: what the transition costs; legal only for calls that never block, so the
 * workbench's socket calls cannot use it).
 *
 * <p>Run: {@code ./lab bench FfmCallBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
@SuppressWarnings("restricted") // the two comparison downcalls are linked here, beside the workbench's own
public class FfmCallBenchmark {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor WRITE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE_WITHOUT_ERRNO = write();
    private static final MethodHandle WRITE_CRITICAL = write(Linker.Option.critical(false));

    private Arena arena;
    private MemorySegment oneByte;
    private int devNull;
    private FileChannel channel;
    private ByteBuffer direct;
    private FileOutputStream stream;

    @Setup(Level.Trial)
    public void open() throws IOException {
        arena = Arena.ofConfined();
        oneByte = arena.allocate(1);
        devNull = Libc.open("/dev/null", Net.O_WRONLY | Net.O_CLOEXEC, 0);
        channel = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        direct = ByteBuffer.allocateDirect(1);
        stream = new FileOutputStream("/dev/null");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        Libc.close(devNull);
        channel.close();
        stream.close();
        arena.close();
    }

    /** write(2) through Libc's raw layer: one downcall, errno captured. */
    @Benchmark
    public long ffmWrite() {
        return Libc.sysWrite(devNull, oneByte, 1);
    }

    /**
     * The same write(2), linked without errno capture: the difference to {@link #ffmWrite} is
     * the capture and the lookup of the thread's errno slot.
     */
    @Benchmark
    public long ffmWriteWithoutErrno() throws Throwable {
        return (long) WRITE_WITHOUT_ERRNO.invokeExact(devNull, oneByte, 1L);
    }

    /** The same write(2), linked critical (the thread stays in Java state): what the state transitions cost. */
    @Benchmark
    public long ffmWriteCritical() throws Throwable {
        return (long) WRITE_CRITICAL.invokeExact(devNull, oneByte, 1L);
    }

    /** The same call through NIO (JNI inside the JDK). */
    @Benchmark
    public int nioChannelWrite() throws IOException {
        direct.clear();
        return channel.write(direct);
    }

    /** The same call through java.io (JNI, plus a heap-to-native copy of the byte). */
    @Benchmark
    public void ioStreamWrite() throws IOException {
        stream.write(1);
    }

    /** The cheapest real syscall, through FFM (glibc no longer caches the pid). */
    @Benchmark
    public int ffmGetpid() {
        return Libc.getpid();
    }

    private static MethodHandle write(Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("write"), WRITE, options);
    }
}

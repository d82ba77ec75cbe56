package lab.loopback.ipc;

import java.lang.foreign.MemorySegment;

/** One end of an established byte stream. Reads and writes go straight to the kernel (no Java buffering). */
public interface Connection extends AutoCloseable {
    /** Reads up to {@code len} bytes into {@code buf}; 0 means end of stream. */
    long read(MemorySegment buf, long len);

    /** Writes up to {@code len} bytes from {@code buf}; returns how many the kernel took. */
    long write(MemorySegment buf, long len);

    /** Writes all {@code len} bytes, looping over short writes. */
    default void writeFully(MemorySegment buf, long len) {
        long done = 0;
        while (done < len) done += write(buf.asSlice(done), len - done);
    }

    /** Signals end of stream to the peer while still allowing reads. */
    void shutdownOutput();

    /** The kernel file descriptor, for socket options and tracing. */
    int fd();

    @Override
    void close();
}

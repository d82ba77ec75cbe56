package lab.loopback.zerocopy;

import java.lang.foreign.MemorySegment;

/** Where the bytes of a stream live in this process's memory: the slice holding bytes {@code [offset, offset+len)}. */
@FunctionalInterface
public interface Chunks {
    MemorySegment at(long offset, long len);
}

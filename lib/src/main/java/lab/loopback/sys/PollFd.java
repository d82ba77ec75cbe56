package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** struct pollfd { int fd; short events; short revents; } — 8 bytes. */
public final class PollFd {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    private PollFd() {}

    public static void set(MemorySegment array, long index, int fd, short events) {
        long base = index * LAYOUT.byteSize();
        array.set(JAVA_INT, base, fd);
        array.set(JAVA_SHORT, base + 4, events);
        array.set(JAVA_SHORT, base + 6, (short) 0);
    }

    public static short revents(MemorySegment array, long index) {
        return array.get(JAVA_SHORT, index * LAYOUT.byteSize() + 6);
    }
}

package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * setns(2) through FFM. Joining a network namespace changes only the calling thread (a kernel task), so a
 * JVM can make one socket inside a namespace on a short-lived thread and use it from any other: a socket
 * keeps the namespace it was created in.
 */
public final class Namespaces {
    public static final int CLONE_NEWNET = 0x40000000;

    private static final MethodHandle SETNS = Libc.bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private Namespaces() {}

    /** Moves the calling thread into the namespace that {@code nsFile} (e.g. /run/netns/NAME) refers to. */
    public static void enterNet(Path nsFile) {
        int fd = Libc.open(nsFile.toString(), Net.O_RDONLY | Net.O_CLOEXEC, 0);
        try {
            MemorySegment slot = Libc.errnoSlot();
            int r = (int) SETNS.invokeExact(slot, fd, CLONE_NEWNET);
            if (r < 0) throw new ErrnoException("setns(" + nsFile + ", CLONE_NEWNET)", Libc.errno(slot));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            Libc.close(fd);
        }
    }

    /** The inode of a process's network namespace ("self", "thread-self" or a pid), or -1 when unreadable. */
    public static long netInode(String proc) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc", proc, "ns", "net"), "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return -1;
        }
    }
}

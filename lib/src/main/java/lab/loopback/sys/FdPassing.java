package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Hands open descriptors to another process over a connected AF_UNIX socket (sendmsg/recvmsg with one
 * SCM_RIGHTS control message and a one-byte payload, since a message without data carries no ancillary data).
 * This is how an anonymous pipe reaches a process that did not fork from its creator.
 */
public final class FdPassing {
    private static final MethodHandle SENDMSG =
            Libc.bind("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private FdPassing() {}

    /** CMSG_SPACE(n ints): the 16-byte cmsghdr plus the descriptors, rounded up to 8. */
    static int controlSpace(int n) {
        return (int) (MsgHdr.CMSG_HEADER + ((4L * n + 7) & ~7L));
    }

    public static void send(int socket, int... fds) {
        if (fds.length == 0 || fds.length > 16)
            throw new IllegalArgumentException("can pass 1..16 descriptors, got " + fds.length);
        MemorySegment slot = Libc.errnoSlot();
        try (Arena a = Arena.ofConfined()) {
            MsgHdr m = new MsgHdr(a, a.allocate(1), controlSpace(fds.length));
            MemorySegment c = m.control();
            c.set(JAVA_LONG, 0, MsgHdr.CMSG_HEADER + 4L * fds.length); // cmsg_len = CMSG_LEN(n ints)
            c.set(JAVA_INT, 8, Net.SOL_SOCKET);
            c.set(JAVA_INT, 12, Net.SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) c.set(JAVA_INT, MsgHdr.CMSG_HEADER + 4L * i, fds[i]);
            long r = (long) SENDMSG.invokeExact(slot, socket, m.segment(), Net.MSG_NOSIGNAL);
            if (r != 1)
                throw new ErrnoException(
                        "sendmsg(" + socket + ", SCM_RIGHTS x" + fds.length + ")", r < 0 ? Libc.errno(slot) : 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Receives exactly {@code count} descriptors sent by {@link #send}; they arrive with O_CLOEXEC set. */
    public static int[] receive(int socket, int count) {
        try (Arena a = Arena.ofConfined()) {
            MsgHdr m = new MsgHdr(a, a.allocate(1), controlSpace(count));
            long r = Libc.sysRecvmsg(socket, m.segment(), Net.MSG_CMSG_CLOEXEC);
            if (r < 0) throw new ErrnoException("recvmsg(" + socket + ", SCM_RIGHTS)", (int) -r);
            if (r == 0) throw new IllegalStateException("the peer closed before passing " + count + " descriptors");
            for (MsgHdr.Cmsg c : m.controlMessages()) {
                if (c.level() == Net.SOL_SOCKET
                        && c.type() == Net.SCM_RIGHTS
                        && c.data().byteSize() >= 4L * count) {
                    int[] fds = new int[count];
                    for (int i = 0; i < count; i++) fds[i] = c.data().get(JAVA_INT, 4L * i);
                    return fds;
                }
            }
            throw new IllegalStateException(
                    "recvmsg on " + socket + " carried no SCM_RIGHTS message with " + count + " descriptors");
        }
    }
}

package lab.loopback.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import lab.loopback.sys.FdPassing;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors handed over SCM_RIGHTS arrive as new, working descriptors of the same pipe, close-on-exec set. */
class FdPassingTest {
    static final int F_GETFD = 1, FD_CLOEXEC = 1;

    @Test
    void aPassedPipeEndWorksAndIsCloseOnExec(@TempDir Path dir) {
        String path = dir.resolve("s").toString();
        int[] pipe = FileCalls.pipe2(FileCalls.O_CLOEXEC);
        try (UnixSocket l = UnixSocket.listen(path, 1);
                UnixSocket c = UnixSocket.connect(path);
                UnixSocket a = l.accept();
                Arena arena = Arena.ofConfined()) {
            FdPassing.send(a.fd(), pipe[1]);
            int got = FdPassing.receive(c.fd(), 1)[0];
            try {
                assertNotEquals(pipe[1], got, "a new descriptor number for the same pipe");
                assertEquals(
                        FD_CLOEXEC,
                        FileCalls.fcntl(got, F_GETFD, 0) & FD_CLOEXEC,
                        "MSG_CMSG_CLOEXEC: a later exec does not inherit it");
                var b = arena.allocate(1);
                b.set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
                Libc.write(got, b, 1);
                b.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
                assertEquals(1, Libc.read(pipe[0], b, 1));
                assertEquals(42, b.get(ValueLayout.JAVA_BYTE, 0));
            } finally {
                Libc.close(got);
            }
        } finally {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }
}

package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.Command;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A reference tool's server ends on its own when nobody stops it, as after its JVM was killed. */
class ToolServerTest {
    @Test
    void aBoundedServerEndsOnItsOwnWithItsChild() throws Exception {
        Assumptions.assumeTrue(Command.which("timeout") != null, "coreutils' timeout is not on PATH");
        List<String> argv = ToolServer.bounded(1, List.of("sleep", "300"));
        assertEquals(List.of("timeout", "--kill-after=5", "1s", "sleep", "300"), argv);
        Process p = new ProcessBuilder(argv).start();
        Thread.sleep(300);
        List<ProcessHandle> children = p.descendants().toList();
        assertFalse(children.isEmpty(), "the server runs under timeout");
        // nobody stops it: it must end by itself
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "timeout ended the server");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < until) Thread.sleep(50);
        assertTrue(children.stream().noneMatch(ProcessHandle::isAlive), "and the server process with it");
    }

    @Test
    void aLifetimeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> ToolServer.bounded(0, List.of("sleep", "1")));
    }
}

package lab.loopback.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.loopback.sys.Command;
import lab.loopback.sys.CpuAffinity;
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
    void aPinnedToolRunsOnItsCpuAndAnUnpinnedOneAsItIs() throws Exception {
        assertEquals(List.of("sleep", "1"), ToolServer.pinned(-1, List.of("sleep", "1")));
        Assumptions.assumeTrue(Command.which("taskset") != null, "taskset (util-linux) is not on PATH");
        int cpu = CpuAffinity.of(0).getLast();
        Process p = new ProcessBuilder(ToolServer.pinned(cpu, List.of("sleep", "5"))).start();
        try {
            Thread.sleep(300); // taskset has set the mask and exec'd sleep in the same process by now
            List<Integer> allowed = CpuAffinity.of(p.pid());
            assertEquals(List.of(cpu), allowed, "the tool's process may run on CPU " + cpu + " only");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLifetimeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> ToolServer.bounded(0, List.of("sleep", "1")));
    }
}

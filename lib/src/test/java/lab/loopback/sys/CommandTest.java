package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {
    @Test
    void collectsOutputAndExitCode() {
        Command c = Command.run(5_000, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, c.exitCode());
        assertEquals("out\n", c.stdout());
        assertEquals("err\n", c.stderr());
        assertFalse(c.ok());
    }

    @Test
    void aMissingProgramIsAResultNotACrash() {
        Command c = Command.run(5_000, "no-such-program-loopback-lab");
        assertEquals(Command.NOT_FOUND, c.exitCode());
        assertNull(Command.which("no-such-program-loopback-lab"));
    }

    @Test
    void aHungProgramIsStopped() {
        Command c = Command.run(300, "sleep", "30");
        assertTrue(c.timedOut());
    }

    @Test
    void aRunningProgramCanBeWatchedAndAWatcherThatFailsStopsIt() {
        long[] pid = new long[1];
        Command c = Command.run(List.of("sh", "-c", "sleep 0.2; echo done"), 5_000, p -> {
            assertTrue(p.isAlive(), "handed over while it runs");
            pid[0] = p.pid();
        });
        assertTrue(c.ok());
        assertEquals("done\n", c.stdout());
        assertTrue(pid[0] > 0);
        Process[] watched = new Process[1];
        assertThrows(
                IllegalStateException.class,
                () -> Command.run(List.of("sleep", "30"), 60_000, p -> {
                    watched[0] = p;
                    throw new IllegalStateException("the watcher failed");
                }));
        assertFalse(watched[0].isAlive(), "the program is not left running");
    }
}

package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}

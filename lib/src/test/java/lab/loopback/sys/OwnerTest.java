package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Leftover names: PREFIX-PID-N parsed one way; only a gone maker's leftovers are swept. */
class OwnerTest {
    @Test
    void namesAreParsedStrictly() {
        assertEquals(1234, Owner.pidIn("llab-1234-7", "llab-"));
        assertEquals(-1, Owner.pidIn("llab-1234", "llab-"));
        assertEquals(-1, Owner.pidIn("llab-x-7", "llab-"));
        assertEquals(-1, Owner.pidIn("llab-1234-7-9", "llab-"));
        assertEquals(-1, Owner.pidIn("other-1234-7", "llab-"));
    }

    @Test
    void onlyAGoneMakersLeftoversAreLeftBehind() throws Exception {
        long me = ProcessHandle.current().pid();
        assertFalse(Owner.leftBehind("llab-" + me + "-1", "llab-"), "this process is alive");
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        // a PID can be reused at once on a busy host; only assert when it is still free
        if (ProcessHandle.of(dead).isEmpty()) assertTrue(Owner.leftBehind("llab-" + dead + "-1", "llab-"));
        assertFalse(Owner.leftBehind("not-ours", "llab-"));
    }
}

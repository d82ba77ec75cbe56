package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadSwitchesTest {
    @Test
    void theCountersAreReadFromTheStatusText() {
        ThreadSwitches s = ThreadSwitches.parse(
                "Name:\tjava\nState:\tR (running)\nvoluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t4\n");
        assertEquals(new ThreadSwitches(17, 4), s);
        assertEquals(new ThreadSwitches(7, 3), s.minus(new ThreadSwitches(10, 1)));
        assertFalse(ThreadSwitches.parse("Name:\tjava\n").known());
        assertFalse(s.minus(ThreadSwitches.UNKNOWN).known());
    }

    @Test
    void aThreadThatSleepsCountsVoluntarySwitches() throws InterruptedException {
        ThreadSwitches before = ThreadSwitches.now();
        assertTrue(before.known(), "this suite runs on Linux, which has /proc/thread-self");
        for (int i = 0; i < 5; i++) Thread.sleep(2);
        ThreadSwitches d = ThreadSwitches.now().minus(before);
        assertTrue(d.voluntary() >= 5, "five sleeps are at least five voluntary switches: " + d);
    }
}

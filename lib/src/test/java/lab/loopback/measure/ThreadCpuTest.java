package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CPU time differences: user + sys is the exact total even when the tick-sampled user time overshoots it. */
class ThreadCpuTest {
    @Test
    void aTickOfUserTimeNeverInflatesTheTotal() {
        // a 3 ms stretch in which one 10 ms tick was charged to user mode (what a quick 16 MiB transfer saw)
        ThreadCpu d = new ThreadCpu(20_000_000, 100_000_000).minus(new ThreadCpu(10_000_000, 97_000_000));
        assertEquals(3_000_000, d.userNanos());
        assertEquals(0, d.sysNanos());
        assertEquals(3_000_000, d.userNanos() + d.sysNanos());
        // no tick in the stretch: all of it counts as system time
        ThreadCpu none = new ThreadCpu(10_000_000, 100_000_000).minus(new ThreadCpu(10_000_000, 97_000_000));
        assertEquals(0, none.userNanos());
        assertEquals(3_000_000, none.sysNanos());
    }

    @Test
    void aBusyThreadIsMeasuredToTheNanosecond() {
        ThreadCpu before = ThreadCpu.now();
        long x = 0;
        for (int i = 0; i < 5_000_000; i++) x += Long.numberOfTrailingZeros(i ^ x);
        ThreadCpu d = ThreadCpu.now().minus(before);
        assertTrue(x != 42 && d.totalNanos() > 0 && d.userNanos() <= d.totalNanos() && d.sysNanos() >= 0, d.toString());
        assertEquals(d.totalNanos(), d.userNanos() + d.sysNanos());
    }
}

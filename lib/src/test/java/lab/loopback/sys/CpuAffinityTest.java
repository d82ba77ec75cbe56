package lab.loopback.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {
    @Test
    void theProcessorFieldIsCountedAfterTheCommandName() {
        // a command name with spaces and a ')' of its own must not shift the count
        String line = "4242 (a b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30"
                + " 31 32 33 34 35 7 37 38";
        assertEquals(7, CpuAffinity.processorField(line));
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.processorField("1 (x) S 1 2 3"));
    }

    @Test
    void aThreadPinnedToOneCpuIsReportedThere() {
        List<Integer> mine = CpuAffinity.of(0);
        int last = mine.getLast();
        try {
            CpuAffinity.set(0, List.of(last));
            Thread.yield(); // the move takes effect by the time the thread runs again
            assertEquals(last, CpuAffinity.lastRanOn(0));
        } finally {
            CpuAffinity.set(0, mine);
        }
        assertTrue(CpuAffinity.lastRanOn(Integer.MAX_VALUE) < 0, "no such thread: -1, not an exception");
    }
}

package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
    @Test
    void whatAHostCanArrange() {
        assertEquals(List.of(Placement.SAME_CPU, Placement.TWO_CPUS), Placement.arrangeable(List.of(0, 1)));
        assertEquals(List.of(Placement.SAME_CPU), Placement.arrangeable(List.of(3)), "one CPU: only one placement");
        assertArrayEquals(new int[] {2, 2}, Placement.SAME_CPU.cpus(List.of(2, 5)));
        assertArrayEquals(new int[] {2, 5}, Placement.TWO_CPUS.cpus(List.of(2, 5)));
        var e = assertThrows(IllegalArgumentException.class, () -> Placement.TWO_CPUS.cpus(List.of(3)));
        assertTrue(e.getMessage().contains("two-cpus") && e.getMessage().contains("[3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Placement.SCHEDULER.cpus(List.of(0, 1)));
    }

    @Test
    void roundsAlternateWhichPlacementGoesFirst() {
        List<Placement> both = List.of(Placement.SAME_CPU, Placement.TWO_CPUS);
        assertEquals(both, Placement.order(both, 0));
        assertEquals(both.reversed(), Placement.order(both, 1));
        assertEquals(both, Placement.order(both, 2));
        assertEquals(List.of(Placement.SAME_CPU), Placement.order(List.of(Placement.SAME_CPU), 1));
    }

    @Test
    void idsRoundTripAndUnknownOnesAreNamed() {
        for (Placement p : Placement.values()) assertEquals(p, Placement.parse(p.id()));
        var e = assertThrows(IllegalArgumentException.class, () -> Placement.parse("three-cpus"));
        assertTrue(e.getMessage().contains("three-cpus") && e.getMessage().contains("same-cpu"), e.getMessage());
    }
}

package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmWaitTest {
    /** A child that prints nothing and ends when its stdin closes (the parent's close, or the parent's end). */
    public static final class Silent {
        public static void main(String[] args) throws java.io.IOException {
            while (System.in.read() >= 0) {
                // nothing to say
            }
        }
    }

    @Test
    void theWaitScaleIsAWholeNumberFromOneToAHundred() {
        assertEquals(1, ChildJvm.waitScale(null));
        assertEquals(1, ChildJvm.waitScale(" "));
        assertEquals(10, ChildJvm.waitScale("10"));
        assertEquals(100, ChildJvm.waitScale(" 100 "));
        for (String bad : List.of("0", "-2", "101", "2.5", "ten")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildJvm.waitScale(bad));
            assertTrue(
                    e.getMessage().contains("LAB_WAIT_SCALE=" + bad)
                            && e.getMessage().contains("from 1 to 100"),
                    e.getMessage());
        }
    }

    @Test
    void aScaledWaitWaitsScaleTimesAsLongAndSaysSo() {
        try (ChildJvm child = ChildJvm.start(Silent.class, List.of())) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> child.expectLine("READY", 100, 3));
            assertTrue(
                    e.getMessage().contains("printed nothing in 300 ms (100 ms × LAB_WAIT_SCALE 3)"), e.getMessage());
            IllegalStateException unscaled =
                    assertThrows(IllegalStateException.class, () -> child.expectLine("READY", 100, 1));
            assertTrue(unscaled.getMessage().contains("printed nothing in 100 ms"), unscaled.getMessage());
            assertTrue(!unscaled.getMessage().contains("LAB_WAIT_SCALE"), unscaled.getMessage());
        }
    }
}

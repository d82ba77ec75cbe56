package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One record type formats and parses each line between the workbench and its child JVMs. */
class ChildLineTest {
    @Test
    void everyMessageSurvivesItsLine() {
        var result = new ChildLine.Result(1 << 20, -1, 17, 1_000, 2_000, 300, 123_456_789L, 987_654_321L);
        assertEquals("RESULT 1048576 -1 17 1000 2000 300 123456789 987654321", ChildLine.format(result));
        assertEquals(result, ChildLine.parse(ChildLine.format(result), ChildLine.Result.class));
        var trial = new ChildLine.Trial(65536, true);
        assertEquals("TRIAL 65536 true", ChildLine.format(trial));
        assertEquals(trial, ChildLine.parse("TRIAL 65536 true", ChildLine.Trial.class));
        assertEquals(new ChildLine.Armed(4242), ChildLine.parse("ARMED 4242", ChildLine.Armed.class));
    }

    @Test
    void aLastTextFieldTakesTheRestOfTheLineAndMayBeEmpty() {
        var path = new ChildLine.Ready("/tmp/llab-unix-1/a socket");
        assertEquals(path, ChildLine.parse(ChildLine.format(path), ChildLine.Ready.class));
        assertEquals(new ChildLine.Ready(""), ChildLine.parse("READY", ChildLine.Ready.class));
        assertEquals(
                new ChildLine.Ready(""),
                ChildLine.parse(ChildLine.format(new ChildLine.Ready("")), ChildLine.Ready.class));
    }

    @Test
    void aLineThatIsNotTheMessageNamesItself() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChildLine.parse("ARMED x", ChildLine.Armed.class));
        assertTrue(e.getMessage().contains("tid 'x' is not a long"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChildLine.parse("RESULT 1 2", ChildLine.Result.class));
        assertTrue(e.getMessage().contains("'RESULT 1 2'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChildLine.parse("READY 1", ChildLine.Armed.class));
        assertTrue(e.getMessage().contains("expected a ARMED line, got 'READY 1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChildLine.parse("TRIAL 64 yes", ChildLine.Trial.class));
        assertTrue(e.getMessage().contains("nonBlocking 'yes' is not a boolean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChildLine.parse("ARMED 1 2", ChildLine.Armed.class));
        assertTrue(e.getMessage().contains("is not ARMED with 1 field(s)"), e.getMessage());
    }
}

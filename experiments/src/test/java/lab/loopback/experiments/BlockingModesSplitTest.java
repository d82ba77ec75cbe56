package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import lab.loopback.claim.Verdict;
import lab.loopback.measurements.Conditions;
import org.junit.jupiter.api.Test;

/**
 * Two consecutive standalone FAIL-5 runs of one 2-vCPU host (Linux 6.18, both peers on one vCPU, 30 rounds each; only
 * their trials are kept, under {@code fail5-split}). The sender that retries at once ran at 0.50–1.33× the blocking
 * pair per round; the median alone called the first run undecided and the second slower. The rule reads the lower
 * quartile too, and both runs get the same verdict.
 */
class BlockingModesSplitTest {
    private static final Path ROOT = Path.of("src/test/resources/fail5-split");
    private static final List<String> NAMES =
            BlockingModes.MODES.stream().map(BlockingModes.Mode::name).toList();
    private static final String RETRYING = NAMES.get(BlockingModes.RETRYING);

    private static List<Conditions.Trial> trials(String run) {
        return RecordedVerdicts.trials(ROOT.resolve(run), "blocking-modes");
    }

    private static Verdict judge(List<Conditions.Trial> trials) {
        List<Conditions.Summary> rows = Conditions.summarize(
                trials, NAMES, Collections.nCopies(NAMES.size(), 1.0), Collections.nCopies(NAMES.size(), ""));
        return BlockingModes.judge(rows, BlockingModes.mixing(trials));
    }

    private static Conditions.Against medianAlone(List<Conditions.Trial> trials) {
        return Conditions.against(Conditions.pairedRatio(trials, NAMES.getFirst(), RETRYING));
    }

    @Test
    void theMedianSplitTheRunsAndTheRuleDoesNot() {
        List<Conditions.Trial> first = trials("run-1"), second = trials("run-2");
        assertEquals(60, Conditions.roundsTaken(first) + Conditions.roundsTaken(second));
        assertEquals(Conditions.Against.UNDECIDED, medianAlone(first));
        assertEquals(Conditions.Against.LOWER, medianAlone(second));
        assertEquals(Verdict.PARTLY_TRUE, judge(first));
        assertEquals(Verdict.PARTLY_TRUE, judge(second));
    }

    @Test
    void theFirstLookOfTheUndecidedRunAsksForTheSecond() {
        List<Conditions.Trial> firstLook =
                trials("run-1").stream().filter(t -> t.round() < 15).toList();
        assertEquals(List.of(RETRYING), BlockingModes.open(firstLook));
        assertEquals(List.of(), BlockingModes.open(trials("run-1")), "thirty rounds decide it");
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.cli.LabCli;
import org.junit.jupiter.api.Test;

/** Every claim reaches the code that decides it in one hop, and ./lab explain shows that code with its thresholds. */
class ClaimExplanationTest {
    private static final ClaimLedger LEDGER = ClaimLedger.bundled();
    /** The checkout: tests run in the experiments module's directory. */
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyClaimNamesARuleThatExistsAndWhoseCodeIsFound() {
        assertEquals(45, LEDGER.claims().size());
        for (Claim c : LEDGER.claims()) {
            assertFalse(c.rule().isEmpty(), c.id() + " names its rule in data/claims.yaml");
            for (String r : c.rule()) {
                assertFalse(RuleCode.methods(r).isEmpty(), r);
                RuleCode code = RuleCode.of(r, HOME);
                assertNotNull(code.text(), r + " found in " + code.source());
                String method = r.substring(r.indexOf('.') + 1);
                assertTrue(code.text().contains("static Verdict " + method + "("), r + ":\n" + code.text());
                assertTrue(code.line() > 0, r);
            }
        }
    }

    @Test
    void aRuleTheCodeDoesNotHaveIsAnErrorNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> RuleCode.methods("RouteLookups.judgeNothing"));
        assertTrue(e.getMessage().contains("RouteLookups has no static method judgeNothing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuleCode.methods("NoSuchExperiment.judge"));
        assertTrue(e.getMessage().contains("no class NoSuchExperiment"), e.getMessage());
    }

    @Test
    void path3IsExplainedWithItsCodeThresholdTablesAndVerdicts() {
        List<Path> runs = ClaimExplanation.runs(HOME);
        assertFalse(runs.isEmpty(), "the reference run is committed under data/reference");
        String text = ClaimExplanation.of(LEDGER, "path-3", HOME, runs);
        assertTrue(text.startsWith("PATH-3 (section 6: Kernel path dissection)"), text);
        assertTrue(text.contains(LEDGER.claim("PATH-3").quote()), text);
        assertTrue(
                text.contains(
                        "rule: RouteLookups.judge — experiments/src/main/java/lab/loopback/experiments/RouteLookups.java:"),
                text);
        assertTrue(text.contains("perSegment >= ROUTED_PER_SEGMENT"), "the rule's own code: " + text);
        assertTrue(text.contains("ROUTED_PER_SEGMENT = " + RouteLookups.ROUTED_PER_SEGMENT), text);
        assertTrue(text.contains("tables recorded by route-lookups: lookups"), text);
        assertTrue(text.contains("data/reference/"), "the reference run's verdict: " + text);
    }

    @Test
    void aSharedRuleNamesConstantsOfItsOwnClass() {
        String text = ClaimExplanation.of(LEDGER, "SPL-1", HOME, List.of());
        assertTrue(text.contains("COPIES_ALL = " + ZeroCopyTechniques.COPIES_ALL), text);
        assertTrue(text.contains("COPIES_NONE = " + ZeroCopyTechniques.COPIES_NONE), text);
        assertTrue(text.contains("no run to quote"), text);
    }

    @Test
    void withoutTheSourcesTheRuleIsStillNamed() {
        String text = ClaimExplanation.of(LEDGER, "PATH-3", Path.of("/nonexistent"), List.of());
        assertTrue(
                text.contains("rule: RouteLookups.judge") && text.contains("the sources are not in this installation"),
                text);
    }

    @Test
    void anUnknownClaimIsBadInput() {
        assertEquals(2, LabCli.execute("explain", "NOPE-1"));
    }
}

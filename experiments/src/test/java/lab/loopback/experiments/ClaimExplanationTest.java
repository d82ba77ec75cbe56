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
                RuleCode code = RuleCode.of(r, HOME);
                assertNotNull(code.text(), r + " found in " + code.source());
                String member = r.substring(r.indexOf('.') + 1);
                if (code.rule() != null) {
                    assertEquals(c.id(), code.rule().claim(), r + " is the rule of another claim");
                    assertTrue(code.text().contains(" " + member + " ="), r + ":\n" + code.text());
                    assertTrue(code.text().strip().endsWith(";"), "the whole declaration: " + code.text());
                } else {
                    assertFalse(RuleCode.methods(r).isEmpty(), r);
                    assertTrue(code.text().contains("static Verdict " + member + "("), r + ":\n" + code.text());
                }
                assertTrue(code.line() > 0, r);
            }
        }
    }

    @Test
    void aRuleTheCodeDoesNotHaveIsAnErrorNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> RuleCode.methods("RouteLookups.judgeNothing"));
        assertTrue(
                e.getMessage().contains("RouteLookups has no static Rule field and no static method judgeNothing"),
                e.getMessage());
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
                        "rule: RouteLookups.RULE — experiments/src/main/java/lab/loopback/experiments/RouteLookups.java:"),
                text);
        assertTrue(
                text.contains("Lookups::perSegment,") && text.contains("ROUTED_PER_SEGMENT,"),
                "the rule's own code: " + text);
        assertTrue(
                text.contains("  decides: SUPPORTED when fib_table_lookup events of the connection < 1; "
                        + "REFUTED when fib_table_lookup events per data segment ≥ " + RouteLookups.ROUTED_PER_SEGMENT),
                "the rule's words, from its own threshold: " + text);
        assertTrue(text.contains("ROUTED_PER_SEGMENT = " + RouteLookups.ROUTED_PER_SEGMENT), text);
        assertTrue(text.contains("tables recorded by route-lookups: lookups"), text);
        assertTrue(text.contains("data/reference/"), "the reference run's verdict: " + text);
    }

    @Test
    void aRuleAsDataIsExplainedByItselfEvenWithoutTheSources() {
        String text = ClaimExplanation.of(LEDGER, "PATH-2", Path.of("/nonexistent"), List.of());
        assertTrue(
                text.contains("rule: WakeUp.RULE — experiments/src/main/java/lab/loopback/experiments/WakeUp.java"),
                text);
        assertTrue(text.contains("  decides: " + WakeUp.RULE.describe() + "\n"), text);
        assertTrue(
                text.contains("≥ " + Math.round(WakeUp.WITHIN_WRITE * 100) + " %"),
                "the threshold, from the constant: " + text);
        assertTrue(text.contains("  thresholds: share of messages"), text);
        String withSources = ClaimExplanation.of(LEDGER, "PATH-2", HOME, List.of());
        assertTrue(
                withSources.contains("static final Rule<Facts> RULE = Rule.<Facts>forClaim(\"PATH-2\")"), withSources);
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
                text.contains("rule: RouteLookups.RULE") && text.contains("the sources are not in this installation"),
                text);
    }

    @Test
    void anUnknownClaimIsBadInput() {
        assertEquals(2, LabCli.execute("explain", "NOPE-1"));
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.cli.LabCli;
import lab.loopback.rule.Rule;
import lab.loopback.workbench.ClaimExplanation;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Experiments;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.RuleCode;
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
            assertEquals(1, c.rule().size(), c.id() + " has exactly one rule");
            String r = c.rule().getFirst();
            RuleCode code = RuleCode.of(r, HOME);
            assertEquals(c.id(), code.rule().claim(), r + " is the rule of another claim");
            assertNotNull(code.text(), r + " found in " + code.source());
            assertTrue(code.text().contains(" " + r.substring(r.indexOf('.') + 1) + " ="), r + ":\n" + code.text());
            assertTrue(code.text().strip().endsWith(";"), "the whole declaration: " + code.text());
            assertTrue(code.line() > 0, r);
        }
    }

    /** The claims an experiment declares ({@link Measures}) are exactly those its rules decide. */
    @Test
    void everyExperimentDeclaresTheClaimsItsRulesDecide() throws IllegalAccessException {
        for (Experiment e : Experiments.all()) {
            Set<String> ruled = new TreeSet<>();
            for (Field f : e.getClass().getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType() != Rule.class) continue;
                f.setAccessible(true);
                ruled.add(((Rule<?>) f.get(null)).claim());
            }
            assertEquals(new TreeSet<>(e.claims()), ruled, e.name());
        }
    }

    @Test
    void aRuleTheCodeDoesNotHaveIsAnErrorNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> RuleCode.ruleField("RouteLookups.NOTHING"));
        assertTrue(e.getMessage().contains("RouteLookups has no static Rule field NOTHING"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuleCode.ruleField("RouteLookups.LOOKUPS_ROUTED"));
        assertTrue(e.getMessage().contains("no static Rule field LOOKUPS_ROUTED"), "a constant is not a rule");
        e = assertThrows(IllegalArgumentException.class, () -> RuleCode.ruleField("NoSuchExperiment.RULE"));
        assertTrue(e.getMessage().contains("no class NoSuchExperiment"), e.getMessage());
    }

    @Test
    void path3IsExplainedWithItsCodeThresholdTablesAndVerdicts() {
        List<Path> runs = ClaimExplanation.runs(HOME);
        assertFalse(runs.isEmpty(), "the reference run is committed under data/reference");
        String text = ClaimExplanation.of(LEDGER, "path-3", HOME, runs);
        assertTrue(text.startsWith("PATH-3 (section 6: Kernel path dissection)"), text);
        assertTrue(text.contains(LEDGER.claim("PATH-3").quote()), text);
        assertTrue(text.contains("  its rule reads: the kernel's testimony (judged in an emulated guest too)"), text);
        assertTrue(
                text.contains(
                        "rule: RouteLookups.RULE — experiments/src/main/java/lab/loopback/experiments/RouteLookups.java:"),
                text);
        assertTrue(
                text.contains("Lookups::total,") && text.contains("LOOKUPS_ROUTED,"), "the rule's own code: " + text);
        assertTrue(
                text.contains("  decides: REFUTED when fib_table_lookup events of the connection ≥ "
                        + RouteLookups.LOOKUPS_ROUTED + "; SUPPORTED otherwise"),
                "the rule's words, from its own threshold: " + text);
        assertTrue(text.contains("LOOKUPS_ROUTED = " + RouteLookups.LOOKUPS_ROUTED), text);
        assertTrue(text.contains("tables recorded by route-lookups: lookups"), text);
        assertTrue(text.contains("data/reference/"), "the reference run's verdict: " + text);
    }

    /** Every "rule: …" evidence line comes from {@link lab.loopback.rule.Rule#evidence}, never from a string beside the logic. */
    @Test
    void noRuleIsDescribedByHand() throws IOException {
        try (Stream<Path> files = Files.walk(HOME.resolve("experiments/src/main/java"))) {
            List<String> byHand = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("\"rule: "))
                    .map(f -> f.getFileName().toString())
                    .toList();
            assertEquals(List.of(), byHand, "hand-written rule descriptions");
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        assertTrue(text.contains("  thresholds: share of traced messages"), text);
        String withSources = ClaimExplanation.of(LEDGER, "PATH-2", HOME, List.of());
        assertTrue(
                withSources.contains("static final Rule<Facts> RULE = Rule.<Facts>forClaim(\"PATH-2\")"), withSources);
    }

    @Test
    void aSharedRuleNamesConstantsOfItsOwnClass() {
        String text = ClaimExplanation.of(LEDGER, "SPL-2", HOME, List.of());
        assertTrue(text.contains("COPIES_ALL = " + ZeroCopyTechniques.COPIES_ALL), text);
        assertTrue(text.contains("SAME_COPIES = " + ZeroCopyTechniques.SAME_COPIES), text);
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

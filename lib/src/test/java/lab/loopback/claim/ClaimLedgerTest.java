package lab.loopback.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClaimLedgerTest {
    private static ClaimLedger parse(String yaml) throws IOException {
        return ClaimLedger.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static final String SECTIONS = "sections:\n  - {number: 1, slug: tldr, title: TLDR}\n";

    @Test
    void theBundledLedgerHoldsAll45ClaimsIn15Sections() {
        ClaimLedger l = ClaimLedger.bundled();
        assertEquals(45, l.claims().size());
        assertEquals(15, l.sections().size());
        assertEquals(96.3, l.claim("PERF-1").claimed());
        assertEquals("Gbit/s", l.claim("perf-1").unit());
        for (Claim c : l.claims()) assertTrue(c.quote().length() > 10, c.id());
    }

    @Test
    void theLedgerHasExactlyTheIdsOfTheCatalogue() throws IOException {
        Path catalogue = Path.of("../../shared/claims.md");
        if (!Files.exists(catalogue)) catalogue = Path.of("../shared/claims.md");
        assumeTrue(Files.exists(catalogue), "shared/claims.md is not beside the checkout");
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = Pattern.compile("^\\| ([A-Z]+-\\d+) \\|", Pattern.MULTILINE).matcher(Files.readString(catalogue));
        while (m.find()) ids.add(m.group(1));
        assertEquals(
                ids,
                new LinkedHashSet<>(
                        ClaimLedger.bundled().claims().stream().map(Claim::id).toList()));
    }

    @Test
    void selectorsResolveIdsSectionNumbersAndNames() {
        ClaimLedger l = ClaimLedger.bundled();
        assertEquals(List.of("PERF-1", "PERF-2"), l.select(List.of("7")));
        assertEquals(List.of("PERF-1", "PERF-2"), l.select(List.of("performance")));
        assertEquals(List.of("TLDR-3", "TRIG-1", "PERF-1"), l.select(List.of("PERF-1", "trig-1", "TLDR-3", "PERF-1")));
        var e = assertThrows(ClaimLedger.LedgerException.class, () -> l.select(List.of("NOPE-9")));
        assertTrue(e.getMessage().contains("'NOPE-9'"), e.getMessage());
        assertThrows(ClaimLedger.LedgerException.class, () -> l.select(List.of("16")));
    }

    @Test
    void malformedLedgersFailNamingTheEntry() throws IOException {
        var dup = assertThrows(ClaimLedger.LedgerException.class, () -> parse(SECTIONS + """
                claims:
                  - {id: A-1, section: 1, quote: q, establish: e, evidence: timing}
                  - {id: A-1, section: 1, quote: q, establish: e, evidence: timing}
                """));
        assertTrue(dup.getMessage().contains("A-1 appears twice"), dup.getMessage());
        var sec = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS + "claims:\n  - {id: A-1, section: 9, quote: q, establish: e}\n"));
        assertTrue(sec.getMessage().contains("section 9"), sec.getMessage());
        var id = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS + "claims:\n  - {id: lower, section: 1, quote: q, establish: e}\n"));
        assertTrue(id.getMessage().contains("'lower'"), id.getMessage());
        var field = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, colour: red}\n"));
        assertTrue(field.getMessage().contains("colour"), field.getMessage());
        var unit = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, claimed: 3}\n"));
        assertTrue(unit.getMessage().contains("no unit"), unit.getMessage());
        var rule = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, rule: [judge]}\n"));
        assertTrue(
                rule.getMessage().contains("rule 'judge'") && rule.getMessage().contains("Class.FIELD"),
                rule.getMessage());
        assertEquals(
                List.of("WakeUp.RULE"),
                parse(SECTIONS
                                + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, rule: [WakeUp.RULE],"
                                + " evidence: timing}\n")
                        .claim("A-1")
                        .rule());
        var noEvidence = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS
                        + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, rule: [WakeUp.RULE]}\n"));
        assertTrue(
                noEvidence
                        .getMessage()
                        .endsWith("claim A-1 does not say what its rule reads: evidence: testimony, timing or"
                                + " arithmetic"),
                noEvidence.getMessage());
        var badEvidence = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(
                        SECTIONS + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, evidence: timings}\n"));
        assertTrue(
                badEvidence.getMessage().contains("timings")
                        && badEvidence.getMessage().contains("testimony"),
                badEvidence.getMessage());
        assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(SECTIONS
                        + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, rule: [WakeUp.judge]}\n"));
        var two = assertThrows(
                ClaimLedger.LedgerException.class,
                () -> parse(
                        SECTIONS
                                + "claims:\n  - {id: A-1, section: 1, quote: q, establish: e, rule: [WakeUp.RULE, WakeUp.OTHER]}\n"));
        assertTrue(two.getMessage().contains("exactly one"), two.getMessage());
        assertThrows(ClaimLedger.LedgerException.class, () -> parse("claims: [\n"));
        assertThrows(ClaimLedger.LedgerException.class, () -> ClaimLedger.load(Path.of("/nonexistent/claims.yaml")));
    }

    @Test
    void verdictsNeedAClaimAndASentence() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClaimVerdict("X-1", Verdict.SUPPORTED, " ", null, null, null, null, null, null, "h"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClaimVerdict("X-1", null, "s", null, null, null, null, null, null, "h"));
    }
}

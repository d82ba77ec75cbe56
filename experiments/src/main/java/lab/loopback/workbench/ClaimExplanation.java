package lab.loopback.workbench;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;

/**
 * {@code ./lab explain CLAIM} and {@code lab.explain("CLAIM")}: from a claim id to everything that decides it, in one
 * hop — the article's words, the rule's code with the values of its thresholds and its source file, the experiment
 * that measures it and the tables it records, and the verdict of the latest run and of each reference run.
 */
public final class ClaimExplanation {
    private ClaimExplanation() {}

    /** {@code home}: the checkout (LAB_HOME), for the sources and results/latest; {@code runs}: the runs to quote. */
    public static String of(ClaimLedger ledger, String claimId, Path home, List<Path> runs) {
        Claim c = ledger.claim(claimId.toUpperCase());
        Experiment e = Experiments.forClaim(c.id());
        StringBuilder b = new StringBuilder();
        b.append(c.id())
                .append(" (section ")
                .append(c.section())
                .append(": ")
                .append(ledger.section(c.section()).title())
                .append(")\n");
        b.append("  article: \"").append(c.quote()).append("\"\n");
        b.append("  to establish: ").append(c.establish()).append('\n');
        b.append("  its rule reads: ")
                .append(
                        switch (c.evidence()) {
                            case TESTIMONY -> "the kernel's testimony (judged in an emulated guest too)";
                            case TIMING -> "a time or a rate (NOT_TESTABLE_HERE in an emulated guest)";
                            case ARITHMETIC -> "the article's own numbers (the same on every host)";
                        })
                .append('\n');
        if (c.claimed() != null)
            b.append("  claimed: ")
                    .append(c.claimed())
                    .append(' ')
                    .append(c.unit())
                    .append('\n');
        if (c.rule().isEmpty()) b.append("  rule: none named in the ledger\n");
        for (String r : c.rule()) {
            RuleCode code = RuleCode.of(r, home);
            b.append("  rule: ").append(r).append(" — ").append(code.source());
            if (code.line() > 0) b.append(':').append(code.line());
            b.append('\n');
            b.append("  decides: ").append(code.rule().describe()).append('\n');
            if (!code.rule().thresholds().isEmpty())
                b.append("  thresholds: ")
                        .append(String.join(
                                "; ",
                                code.rule().thresholds().stream()
                                        .map(Object::toString)
                                        .toList()))
                        .append('\n');
            if (code.text() == null) b.append("    (the sources are not in this installation)\n");
            else code.text().lines().forEach(l -> b.append("    ").append(l).append('\n'));
            if (!code.constants().isEmpty()) {
                b.append("  constants in its declaration: ");
                b.append(String.join(
                        ", ",
                        code.constants().entrySet().stream()
                                .map(x -> x.getKey() + " = " + x.getValue())
                                .toList()));
                b.append('\n');
            }
        }
        b.append("  measured by: experiment ")
                .append(e.name())
                .append(" (")
                .append(e.getClass().getSimpleName());
        b.append(".java), which also judges ")
                .append(String.join(", ", e.claims()))
                .append('\n');
        for (Path run : runs) b.append(onRun(run, e, c.id()));
        if (runs.isEmpty()) b.append("  no run to quote: ./lab run, or the reference runs under data/reference\n");
        return b.toString();
    }

    /** The runs a reader means: results/latest under {@code home} when it is a finished run, then the reference runs. */
    public static List<Path> runs(Path home) {
        List<Path> out = new ArrayList<>();
        if (home != null && Files.isRegularFile(home.resolve("results/latest/verdicts.json")))
            out.add(home.resolve("results/latest"));
        out.addAll(home == null ? List.of() : ReferenceRuns.under(home));
        return out;
    }

    private static String onRun(Path run, Experiment e, String id) {
        StringBuilder b = new StringBuilder("  on ")
                .append(run)
                .append(" (host ")
                .append(hostId(run))
                .append("): ");
        ClaimVerdict v = RunStore.verdicts(run).stream()
                .filter(x -> x.claim().equals(id))
                .findFirst()
                .orElse(null);
        if (v == null) return b.append("not judged in this run\n").toString();
        b.append(v.verdict()).append(" — ").append(v.summary()).append('\n');
        if (RunStore.has(run, e.name())) {
            List<String> tables =
                    List.copyOf(RunStore.load(run, e.name()).tables().keySet());
            b.append("    tables recorded by ")
                    .append(e.name())
                    .append(": ")
                    .append(tables.isEmpty() ? "none" : String.join(", ", tables))
                    .append('\n');
        }
        return b.toString();
    }

    private static String hostId(Path run) {
        try {
            Map<?, ?> host = RunStore.readJson(run.resolve("host.json"), new TypeReference<Map<?, ?>>() {});
            return String.valueOf(host.get("hostId"));
        } catch (RuntimeException ex) {
            return "unknown";
        }
    }
}

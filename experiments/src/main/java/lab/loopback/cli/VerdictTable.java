package lab.loopback.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;

/** The run summary printed to the terminal: verdicts grouped by article section. */
final class VerdictTable {
    private VerdictTable() {}

    static void print(PrintStream out, ClaimLedger ledger, List<ClaimVerdict> verdicts) {
        Map<String, ClaimVerdict> byId =
                verdicts.stream().collect(Collectors.toMap(ClaimVerdict::claim, Function.identity()));
        for (ClaimLedger.Section s : ledger.sections()) {
            out.printf("%n%02d %s%n", s.number(), s.title());
            for (Claim c : ledger.inSection(s.number())) {
                ClaimVerdict v = byId.get(c.id());
                String summary = v == null ? "" : v.summary();
                if (summary.length() > 100) summary = summary.substring(0, 99) + "…";
                out.printf("  %-8s %-18s %s%n", c.id(), v == null ? "-" : v.verdict(), summary);
            }
        }
    }
}

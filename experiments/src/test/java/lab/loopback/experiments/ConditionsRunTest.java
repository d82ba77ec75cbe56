package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.netns.NetNamespace;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The done-when: a quick run of sections 10, 11 and 12 judges every claim, with figures, and leaves nothing behind. */
class ConditionsRunTest {
    static final List<String> CLAIMS = List.of(
            "SEC-1", "SEC-2", "SEC-3", "SEC-4", "FAIL-1", "FAIL-2", "FAIL-3", "FAIL-4", "FAIL-5", "VETH-1", "VETH-2");

    @Test
    void sectionsTenElevenAndTwelveAreJudgedAndCleanedUp(@TempDir Path out) throws IOException {
        String rulesBefore = Command.which("nft") == null
                ? ""
                : Command.run(30_000, "nft", "list", "ruleset").stdout();
        String linksBefore =
                Command.run(10_000, "ip", "-o", "link", "show").stdout().replaceAll("\\s+", " ");
        var r = RunAssertions.quickRun(out, "10", "11", "12");
        RunAssertions.judgedWhereJudgeable(r.verdicts(), CLAIMS);
        RunAssertions.rejudgingReproduces(r.runDir());
        boolean root = Libc.geteuid() == 0 && NetNamespace.unavailable() == null;
        if (root) {
            for (String exp : List.of(
                    "tls-cost",
                    "other-uid-access",
                    "mtu-and-segments",
                    "netfilter-rules",
                    "veth-versus-lo",
                    "veth-options",
                    "blocking-modes")) {
                try (var files = Files.list(r.runDir().resolve(exp))) {
                    assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), exp + " drew a figure");
                }
            }
        }
        if (root) {
            // lo against veth at its largest MTU (the verdicts' rows), then veth at the default MTU as a side result
            assertEquals(
                    List.of(NamespaceRoutes.LO, NamespaceRoutes.VETH_WIDE, NamespaceRoutes.VETH),
                    RunAssertions.values(r.runDir(), "veth-versus-lo", "summary", "condition"));
            assertEquals(
                    RunAssertions.placements(),
                    RunAssertions.values(r.runDir(), "veth-versus-lo", "round-trips", "placement"));
            assertEquals(
                    RunAssertions.placements(),
                    RunAssertions.values(r.runDir(), "tls-cost", "round-trips", "placement"));
        }
        NothingLeft.namespacesOrChildren();
        if (Command.which("nft") != null)
            assertEquals(
                    rulesBefore, Command.run(30_000, "nft", "list", "ruleset").stdout(), "the host's rule set changed");
        assertEquals(
                linksBefore,
                Command.run(10_000, "ip", "-o", "link", "show").stdout().replaceAll("\\s+", " "),
                "the host's interfaces changed");
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick run of sections 04, 05, 08 and 09 (the send-side techniques, the article's example, splice, io_uring) judges
 * each of their claims where this host can, and judging its recorded tables again gives what it decided while
 * measuring: the other run tests do the same for the other sections.
 */
class SendPathsRunTest {
    static final List<String> CLAIMS =
            List.of("ZC-1", "ZC-2", "TRIG-1", "TRIG-2", "SPL-1", "SPL-2", "URING-1", "URING-2", "URING-3", "URING-4");

    @Test
    void sectionsFourFiveEightAndNineAreJudgedAsTheirRulesSay(@TempDir Path out) {
        var r = RunAssertions.quickRun(out, "04", "05", "08", "09");
        RunAssertions.judgedWhereJudgeable(r.verdicts(), CLAIMS);
        RunAssertions.rejudgingReproduces(r.runDir());
        for (String exp : List.of("zero-copy-techniques", "syscalls-and-delivery", "c-example", "c-example-copies"))
            assertTrue(Files.isRegularFile(r.runDir().resolve(exp).resolve("verdicts.json")), exp);
        NothingLeft.namespacesOrChildren();
    }
}

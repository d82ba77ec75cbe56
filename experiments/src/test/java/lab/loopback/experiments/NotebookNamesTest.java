package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.loopback.result.ExperimentView;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import lab.loopback.workbench.Experiments;
import org.junit.jupiter.api.Test;

/**
 * Every figure and table a notebook asks for ({@code x.show("…")}, {@code x.tableOrNote("…")} on
 * {@code var x = lab.experiment("ID")}) is one the experiment records: checked against the reference run the notebooks
 * fall back on ({@link ReferenceRuns#fallback}, the newest full run of a host, as root), so a misspelt or renamed name,
 * or one that run lacks, fails here rather than silently showing a note to the reader.
 */
class NotebookNamesTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VAR = Pattern.compile("var (\\w+) = lab\\.experiment\\(\"([A-Z]+-\\d+)\"\\)");
    private static final Pattern ASK = Pattern.compile("(\\w+)\\.(show|tableOrNote)\\(\"([^\"]+)\"\\)");

    record Ask(String notebook, String claim, String kind, String name) {}

    static List<Ask> asks() throws IOException {
        List<Ask> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(HOME.resolve("notebooks"))) {
            for (Path nb :
                    s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                StringBuilder code = new StringBuilder();
                for (JsonNode cell : RunStore.JSON.readTree(nb.toFile()).get("cells")) {
                    if (!cell.get("cell_type").asText().equals("code")) continue;
                    cell.get("source").forEach(line -> code.append(line.asText()));
                    code.append('\n');
                }
                Map<String, String> vars = new HashMap<>();
                Matcher v = VAR.matcher(code);
                while (v.find()) vars.put(v.group(1), v.group(2));
                Matcher a = ASK.matcher(code);
                while (a.find()) {
                    String claim = vars.get(a.group(1));
                    if (claim != null) out.add(new Ask(nb.getFileName().toString(), claim, a.group(2), a.group(3)));
                }
            }
        }
        return out;
    }

    @Test
    void everyFigureAndTableANotebookAsksForIsRecorded() throws IOException {
        List<Ask> asks = asks();
        assertTrue(asks.size() > 50, "the notebooks' show/tableOrNote calls were found: " + asks.size());
        Path ref = ReferenceRuns.fallback(ReferenceRuns.under(HOME));
        List<String> missing = new ArrayList<>();
        for (Ask a : asks) {
            String experiment = Experiments.forClaim(a.claim()).name();
            ExperimentView v = RunStore.load(ref, experiment);
            Set<String> recorded = new TreeSet<>(
                    a.kind().equals("show") ? v.figureNames() : v.tables().keySet());
            if (!recorded.contains(a.name()))
                missing.add(a.notebook() + ": " + a.kind() + "(\"" + a.name() + "\") of " + experiment + " ("
                        + a.claim() + "); the reference run " + ref.getFileName() + " records " + recorded);
        }
        assertEquals(List.of(), missing);
        assertFalse(ReferenceRuns.under(HOME).isEmpty());
    }
}

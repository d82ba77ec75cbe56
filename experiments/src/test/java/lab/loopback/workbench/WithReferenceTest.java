package lab.loopback.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.chart.Charts;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RunStore;
import lab.loopback.result.TableView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Where this host produced nothing, the reference run's figure and table stand in — labelled, never silently. */
class WithReferenceTest {
    private static Outcome outcome(boolean withData) {
        Outcome o = new Outcome("stream-throughput");
        o.verdict(new ClaimVerdict(
                "PERF-1",
                withData ? Verdict.HOST_DEPENDENT : Verdict.NOT_TESTABLE_HERE,
                withData ? "measured on the reference host" : "iperf3 is not installed",
                null,
                null,
                null,
                null,
                null,
                List.of(),
                "h"));
        if (withData) {
            var c = Charts.xy("t", "x", "y", false);
            Charts.line(c, "s", new double[] {1, 2}, new double[] {1, 2}, Charts.MEASURED);
            o.figure(new Figure("throughput", List.of("PERF-1"), "caption", c));
            o.table("calibration", Table.create("calibration", IntColumn.create("n", 1, 2)));
        }
        return o;
    }

    @Test
    void missingFiguresAndTablesComeFromTheReferenceLabelled(@TempDir Path tmp) {
        RunStore.Writer w = RunStore.begin(tmp, "ref-host");
        w.outcome(outcome(true));
        Path ref = w.commit();
        WithReference view = new WithReference(outcome(false), ref);
        Object fig = view.show("throughput");
        BufferedImage img = assertInstanceOf(BufferedImage.class, fig);
        BufferedImage original = RunStore.load(ref, "stream-throughput").figure("throughput");
        assertEquals(original.getHeight() + 34, img.getHeight(), "a banner is drawn above the figure");
        assertEquals(0xD68910, img.getRGB(3, 3) & 0xFFFFFF, "the banner is the reference colour");
        TableView t = assertInstanceOf(TableView.class, view.tableOrNote("calibration"));
        assertTrue(t.name().startsWith("REFERENCE (reference run ref-host"), t.name());
        assertTrue(t.toHtml().contains("REFERENCE (reference run ref-host"), "the label is the table's caption");
        assertEquals(Verdict.HOST_DEPENDENT, view.referenceVerdict("PERF-1").verdict());
        // nothing in the reference either: the host's reason, as before
        assertTrue(view.show("no-such-figure").toString().contains("iperf3 is not installed"));
    }

    /** A reference carrying this host's id is an earlier run of a host so configured: labelled so, not "not this host". */
    @Test
    void aReferenceOfThisHostsIdIsLabelledAsAnEarlierRun(@TempDir Path tmp) {
        RunStore.Writer w = RunStore.begin(tmp, "ref-host");
        w.outcome(outcome(true));
        Path ref = w.commit();
        String id = ref.getFileName().toString();
        WithReference same = new WithReference(outcome(false), ref, false, id);
        TableView t = assertInstanceOf(TableView.class, same.tableOrNote("calibration"));
        assertTrue(t.name().contains("an earlier run on a host of this one's configuration"), t.name());
        assertFalse(t.name().contains("not this host"), t.name());
        assertTrue(new WithReference(outcome(false), ref, false, "another-host")
                .label()
                .endsWith("not this host"));
        assertTrue(new WithReference(outcome(false), ref).label().endsWith("not this host"), "host unknown");
    }

    @Test
    void withoutAReferenceTheHostsReasonIsShown() {
        WithReference view = new WithReference(outcome(false), null);
        assertTrue(view.show("throughput").toString().contains("iperf3 is not installed"));
        assertTrue(view.tableOrNote("calibration").toString().contains("No table 'calibration'"));
        assertEquals(null, view.referenceVerdict("PERF-1"));
    }

    @Test
    void liveDataIsNeverReplaced(@TempDir Path tmp) {
        RunStore.Writer w = RunStore.begin(tmp, "ref-host");
        w.outcome(outcome(true));
        WithReference view = new WithReference(outcome(true), w.commit());
        BufferedImage img = assertInstanceOf(BufferedImage.class, view.show("throughput"));
        assertEquals(
                outcome(true).figure("throughput").getHeight(), img.getHeight(), "no banner on this host's own figure");
        assertEquals("calibration", ((TableView) view.tableOrNote("calibration")).name());
    }
}

package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.loopback.evidence.TracedStream;
import lab.loopback.kernel.PathContexts;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.measure.MeasurementInterruptedException;
import lab.loopback.measure.Placement;
import lab.loopback.measure.StreamTrial;
import lab.loopback.measurements.KernelEvidence;
import lab.loopback.result.Figure;
import lab.loopback.sys.TcpInfo;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import tech.tablesaw.api.Table;

/**
 * The traced transfer's "in whose context" line: counted per context, with the reading of the source only when the
 * reader or ksoftirqd sent data, the lower-bound warning whenever ksoftirqd had a part, and the reason when untraced.
 */
class ContextsLineTest {
    private static TracedStream.Result transfer(TraceRecorder.Recording trace, String why, PathContexts contexts) {
        StreamTrial t = new StreamTrial(
                "tcp-lo", 65536, 65536, "timed", 0, 1 << 24, 1 << 24, -1, 0.01, 1, 1, -1, -1, 1, 1, 0, 256, 256, "");
        TcpInfo sender = new TcpInfo(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 600, 400, 0, 0, 0, 0, 0, 0, 0);
        return new TracedStream.Result(
                t, t, sender, Map.of(), Map.of(), 1, 1, trace, why, List.of(), 1, List.of(2L), contexts);
    }

    private static PathContexts split(long senderBytes, long readerBytes, long ksoftirqdHandedUp) {
        return new PathContexts(
                List.of(
                        new PathContexts.Context(
                                PathContexts.IN_SENDER, 10, senderBytes, 10, senderBytes, 5, 5_000, "0"),
                        new PathContexts.Context(
                                PathContexts.IN_RECEIVER, 10, readerBytes, 10, readerBytes, 5, 5_000, "1"),
                        new PathContexts.Context(
                                PathContexts.IN_KSOFTIRQD,
                                0,
                                0,
                                ksoftirqdHandedUp > 0 ? 1 : 0,
                                ksoftirqdHandedUp,
                                1,
                                9_000,
                                "0")),
                0);
    }

    private static final TraceRecorder.Recording TRACED = new TraceRecorder.Recording(List.of(), 0, 0, 0);

    @Test
    void theWritersOwnSendsNeedNoReadingAndNoWarning() {
        String line = KernelEvidence.contextsLine(transfer(TRACED, null, split(1_000_000, 660, 0)));
        assertTrue(line.contains("sent / handed up: 100% / 100% in the sender's context (CPU 0)"), line);
        assertFalse(line.contains("tcp_data_snd_check"), line);
        assertFalse(line.contains("leave out the ksoftirqd part"), line);
    }

    @Test
    void theReadersSendsAreReadFromTheSourceAndKsoftirqdsPartIsNamed() {
        String line = KernelEvidence.contextsLine(transfer(TRACED, null, split(300_000, 700_000, 65_536)));
        assertTrue(line.contains("70% / 66% in the receiver's (CPU 1)"), line);
        assertTrue(line.contains("tcp_ack → tcp_data_snd_check"), line);
        assertTrue(line.contains("kernel source, not traced"), line);
        assertTrue(
                line.contains("leave out the ksoftirqd part"),
                "ksoftirqd handed packets up though it sent none: " + line);
    }

    @Test
    void untracedItSaysWhy() {
        assertTrue(KernelEvidence.contextsLine(transfer(null, "tracefs not mounted", null))
                .endsWith("not traced (tracefs not mounted)"));
        assertTrue(KernelEvidence.contextsLine(transfer(TRACED, null, null))
                .endsWith("not traced (this kernel lacks irq/softirq_entry, irq/softirq_exit)"));
    }

    /** A pinned transfer that was traced ({@code contexts}) or could not be ({@code notTraced}). */
    private static KernelEvidence.PlacedTransfer placed(Placement where, PathContexts contexts, String notTraced) {
        return new KernelEvidence.PlacedTransfer(
                where, new TracedStream.Contexts(transfer(TRACED, null, null).trial(), contexts, notTraced), null);
    }

    @Test
    void thePinnedTransfersAreSaidAndTabledPerPlacementAndAFailedOneKeepsItsReason() {
        List<KernelEvidence.PlacedTransfer> placed = List.of(
                placed(Placement.SAME_CPU, split(30_000, 970_000, 0), null),
                new KernelEvidence.PlacedTransfer(Placement.TWO_CPUS, null, "receiver did not start"));
        String line = KernelEvidence.placedContextsLine(placed);
        assertTrue(
                line.contains(
                        "both peers on one vCPU: of the 1.0 MB counted in the peers' and ksoftirqd's contexts, sent / handed up: 3% / 3%"),
                line);
        assertTrue(line.endsWith("the peers on two vCPUs: the transfer failed (receiver did not start)"), line);
        String untraced =
                KernelEvidence.placedContextsLine(List.of(placed(Placement.SAME_CPU, null, "tracefs not mounted")));
        assertTrue(untraced.endsWith("both peers on one vCPU: not traced (tracefs not mounted)"), untraced);
        Table t = LoopbackPath.contextsByPlacement(placed);
        assertEquals(List.of("placement", "context"), t.columnNames().subList(0, 2));
        assertEquals(3, t.rowCount(), "the failed placement has no rows");
        assertEquals(List.of("same-cpu"), t.stringColumn("placement").unique().asList());
        assertNull(LoopbackPath.contextsByPlacement(List.of()));
        assertNull(KernelEvidence.placedContextsLine(List.of()));
    }

    @Test
    void theFigureStacksWhoSentPerTransferAndLeavesOutWhatRecordedNothing() {
        List<KernelEvidence.PlacedTransfer> placed = List.of(
                placed(Placement.SAME_CPU, split(30_000, 970_000, 0), null),
                placed(Placement.TWO_CPUS, split(0, 0, 0), null));
        Figure f = LoopbackPath.contextsFigure(split(700_000, 300_000, 0), placed);
        assertEquals("path-senders", f.name());
        assertEquals(List.of("PATH-1"), f.claims());
        CategoryChart c = (CategoryChart) f.chart();
        assertEquals(
                List.of("the writing thread", "the reading process", "ksoftirqd"),
                List.copyOf(c.getSeriesMap().keySet()),
                "every byte is one of the three: no 'other tasks'");
        CategorySeries writer = c.getSeriesMap().get("the writing thread");
        assertEquals(
                List.of(Placement.SCHEDULER.describe(), Placement.SAME_CPU.describe()),
                List.copyOf(writer.getXData()),
                "the pinned transfer that sent nothing has no bar");
        assertEquals(70.0, writer.getYData().stream().toList().get(0).doubleValue(), 1e-9);
        assertEquals(3.0, writer.getYData().stream().toList().get(1).doubleValue(), 1e-9);
        assertNull(LoopbackPath.contextsFigure(null, List.of()));
    }

    @Test
    void aFailedTransferBecomesTheReasonButAnInterruptStillStops() {
        String line = KernelEvidence.contextsLineOrWhy(() -> {
            throw new IllegalStateException("the receiver did not start");
        });
        assertTrue(line.endsWith("not measured (the traced transfer failed: the receiver did not start)"), line);
        assertThrows(
                MeasurementInterruptedException.class,
                () -> KernelEvidence.contextsLineOrWhy(() -> {
                    throw new MeasurementInterruptedException();
                }));
    }
}

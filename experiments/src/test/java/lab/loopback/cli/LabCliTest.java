package lab.loopback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.kernel.SoftirqThreads;
import lab.loopback.result.ReferenceRuns;
import lab.loopback.result.RunStore;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.tools.HeadlessBrowser;
import lab.loopback.tools.Iperf3;
import lab.loopback.workbench.Rejudge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The CLI end to end: bad input is one clear line and exit 2 with nothing written; a run leaves every file. */
class LabCliTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldErr, oldOut;

    @BeforeEach
    void capture() {
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true));
        System.setOut(new PrintStream(out, true));
    }

    @AfterEach
    void restore() {
        System.setErr(oldErr);
        System.setOut(oldOut);
    }

    private void assertBadInput(Path outDir, String expectedInMessage, String... args) throws IOException {
        err.reset();
        assertEquals(LabCli.BAD_INPUT, LabCli.execute(args), err.toString());
        assertTrue(err.toString().contains(expectedInMessage), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
        if (outDir != null && Files.exists(outDir)) {
            try (var s = Files.list(outDir)) {
                assertEquals(0, s.count(), "nothing written to " + outDir);
            }
        }
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path tmp) throws IOException {
        Path o = tmp.resolve("out");
        assertBadInput(
                o,
                "unknown profile 'turbo'; allowed: quick, standard, thorough",
                "run",
                "--profile",
                "turbo",
                "--out",
                o.toString());
        assertBadInput(o, "'NOPE-9'", "run", "--profile", "quick", "--only", "NOPE-9", "--out", o.toString());
        assertBadInput(o, "section 42", "run", "--profile", "quick", "--only", "42", "--out", o.toString());
        assertBadInput(
                o,
                "--port 80 is outside 1024..65534",
                "run",
                "--profile",
                "quick",
                "--port",
                "80",
                "--out",
                o.toString());
        assertBadInput(o, "'x'", "run", "--port", "x");
        assertBadInput(o, "budget '15x' is not a duration", "run", "--budget", "15x", "--out", o.toString());
        // a guest run refuses before it fetches or boots anything
        assertBadInput(
                o,
                "kernel '4.19' is not one a guest can boot; available: 5.10, 6.1, 6.12",
                "run",
                "--kernel",
                "4.19",
                "--out",
                o.toString());
        assertBadInput(
                o,
                "--accel 'fast' is not one of tcg, kvm, auto",
                "run",
                "--kernel",
                "6.1",
                "--accel",
                "fast",
                "--out",
                o.toString());
        assertBadInput(
                o,
                "--guest-timeout: budget 'soon' is not a duration",
                "run",
                "--kernel",
                "6.1",
                "--guest-timeout",
                "soon",
                "--out",
                o.toString());
        assertBadInput(
                o,
                "--guest-timeout none: a guest always has a bound",
                "run",
                "--kernel",
                "6.1",
                "--guest-timeout",
                "none",
                "--out",
                o.toString());
        assertBadInput(o, "'NOPE-1'", "run", "--kernel", "6.1", "--only", "NOPE-1", "--out", o.toString());
        assertBadInput(null, "kernel '9.9' is not one a guest can boot", "kernels", "--fetch", "9.9");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertBadInput(
                null,
                "--out " + file.resolve("r"),
                "run",
                "--profile",
                "quick",
                "--only",
                "PERF-2",
                "--out",
                file.resolve("r").toString());
        assertBadInput(null, "does not exist", "report", tmp.resolve("nope").toString());
        Path badLedger = Files.writeString(
                tmp.resolve("claims.yaml"),
                "sections: []\nclaims:\n  - {id: A-1, section: 3, quote: q, establish: e}\n");
        assertBadInput(o, "section 3", "claims", "--claims", badLedger.toString());
        // ./lab bench calibration refuses before it measures
        assertBadInput(o, "unknown profile 'turbo'", "calibrate", "--profile", "turbo", "--out", o.toString());
        assertBadInput(
                null, "--out " + file + " is a file", "calibrate", "--profile", "quick", "--out", file.toString());
        assertBadInput(o, "rounds 0 is outside", "calibrate", "--rounds", "0", "--out", o.toString());
        assertBadInput(
                o, "stream size 2097152 is outside", "calibrate", "--stream-sizes", "64K,2M", "--out", o.toString());
        assertBadInput(
                o, "size 'big' is not a byte count", "calibrate", "--ping-pong-sizes", "big", "--out", o.toString());
        assertBadInput(o, "unknown placement 'one'", "calibrate", "--placement", "one", "--out", o.toString());
        assertBadInput(
                o,
                "leave nothing to measure",
                "calibrate",
                "--stream-sizes",
                "none",
                "--ping-pong-sizes",
                "none",
                "--out",
                o.toString());
    }

    @Test
    void aCalibrationMeasuresOnlyWhatItIsAskedFor(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(Iperf3.installed(), "iperf3 is not installed");
        Assumptions.assumeTrue(CpuAffinity.of(0).size() >= 2, "needs two CPUs to leave one placement out");
        Path o = tmp.resolve("out");
        int rc = LabCli.execute(
                "calibrate",
                "--rounds",
                "2",
                "--seconds",
                "1",
                "--stream-sizes",
                "64K",
                "--ping-pong-sizes",
                "none",
                "--no-sendfile",
                "--placement",
                "same-cpu",
                "--out",
                o.toString());
        assertEquals(0, rc, err.toString());
        Table rounds = Table.read().csv(o.resolve("calibration-rounds.csv").toFile());
        assertEquals(2, rounds.rowCount(), "two rounds of one size at one placement");
        assertEquals(
                List.of("same-cpu"), rounds.stringColumn("placement").unique().asList());
        assertEquals(List.of(65536), rounds.intColumn("size").unique().asList());
        assertEquals(
                Set.of("java", "tool"), Set.copyOf(rounds.stringColumn("first").asList()));
        assertFalse(
                rounds.stringColumn("tool").asList().stream().anyMatch(t -> t.contains("sendfile")),
                "no sendfile pair when --no-sendfile");
        assertEquals(List.of("Gbit/s"), rounds.stringColumn("unit").unique().asList(), "no ping-pong pair");
        // how often the harness's writer blocked on a full send buffer, per write: counted in every stream round
        for (double blocks : rounds.numberColumn("java_writer_blocks_per_call").asDoubleArray())
            assertTrue(blocks >= 0, "writer blocks per call " + blocks);
        // and iperf3's client's beside it, where GNU time can count them
        if (Iperf3.countsClientSwitches())
            for (double blocks :
                    rounds.numberColumn("reference_writer_blocks_per_call").asDoubleArray())
                assertTrue(blocks >= 0, "iperf3's blocks per write " + blocks);
        Table summary = Table.read().csv(o.resolve("calibration.csv").toFile());
        assertEquals(1, summary.rowCount());
    }

    @Test
    void aBusyPortIsNamed(@TempDir Path tmp) throws IOException {
        try (TcpSocket busy = TcpSocket.listen(SockAddrIn.loopback(0), 1)) {
            int port = busy.localAddress().port();
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    port <= 65534, "port+1 does not exist at the very top of the range");
            assertBadInput(
                    tmp.resolve("out"),
                    "127.0.0.1:" + port + " is not available (EADDRINUSE)",
                    "run",
                    "--profile",
                    "quick",
                    "--port",
                    Integer.toString(port),
                    "--out",
                    tmp.resolve("out").toString());
        }
    }

    /** ./lab run's order: measure into OUT/.staged, add notebooks and the report, then publish into OUT. */
    @Test
    void aStagedRunIsPublishedWhole(@TempDir Path tmp) throws IOException {
        Path o = tmp.resolve("results"), dirFile = tmp.resolve("run-dir");
        int rc = LabCli.execute(
                "run",
                "--profile",
                "quick",
                "--only",
                "TRIG-1",
                "--out",
                o.toString(),
                "--staged",
                "--run-dir-file",
                dirFile.toString());
        assertEquals(0, rc, err.toString());
        Path staged = Path.of(Files.readString(dirFile));
        assertEquals(o.resolve(".staged").toAbsolutePath(), staged.getParent());
        try (var s = Files.list(o)) {
            assertEquals(
                    List.of(".staged"), s.map(p -> p.getFileName().toString()).toList(), "nothing in OUT yet");
        }
        Files.createDirectories(staged.resolve("notebooks"));
        Files.writeString(staged.resolve("notebooks/00-index.html"), "executed");
        assertEquals(
                0, LabCli.execute("publish", staged.toString(), "--run-dir-file", dirFile.toString()), err.toString());
        Path published = Path.of(Files.readString(dirFile));
        assertEquals(o.resolve(staged.getFileName()).toAbsolutePath(), published);
        assertEquals(published.toRealPath(), o.resolve("latest").toRealPath());
        assertTrue(Files.isRegularFile(published.resolve("notebooks/00-index.html")));
        assertTrue(Files.isRegularFile(published.resolve("verdicts.json")));
        assertFalse(Files.exists(o.resolve(".staged")));
        err.reset();
        assertEquals(2, LabCli.execute("publish", published.toString()));
        assertTrue(err.toString().contains("is not a staged run"), err.toString());
    }

    @Test
    void aQuickRunWritesTheWholeRunDirectory(@TempDir Path tmp) throws IOException {
        Path o = tmp.resolve("results");
        int rc = LabCli.execute("run", "--profile", "quick", "--only", "TRIG-1,7,TLDR-3", "--out", o.toString());
        assertEquals(0, rc, err.toString());
        Path run = o.resolve("latest").toRealPath();
        for (String f : new String[] {
            "host.json",
            "run.json",
            "verdicts.json",
            "report.html",
            "stream-throughput/java-trials.csv",
            "stream-throughput/throughput.png",
            "stream-throughput/throughput.svg",
            "near-ram-speed/memcpy.csv",
            "near-ram-speed/memcpy-vs-stream.png",
            "iperf3-units/units.png",
            "c-example/calls.csv"
        }) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        JsonNode verdicts = RunStore.JSON.readTree(run.resolve("verdicts.json").toFile());
        assertEquals(45, verdicts.size());
        Map<String, String> byId = new HashMap<>();
        verdicts.forEach(v -> byId.put(v.get("claim").asText(), v.get("verdict").asText()));
        for (String id : new String[] {"PERF-1", "PERF-2", "TLDR-3", "TRIG-1"}) {
            assertFalse(
                    byId.get(id).equals("NOT_YET_MEASURED") || byId.get(id).equals("NOT_TESTABLE_HERE"),
                    id + " " + byId.get(id));
        }
        assertEquals("NOT_YET_MEASURED", byId.get("SPL-1"));
        JsonNode perf1 = null;
        for (JsonNode v : verdicts) if (v.get("claim").asText().equals("PERF-1")) perf1 = v;
        if (Iperf3.installed()) {
            // the quick sweep includes 4 MiB writes, which iperf3 refuses: the run goes on and says so
            assertTrue(perf1.get("evidence").toString().contains("refuses -l above"), perf1.toString());
            // the harness beside iperf3, interleaved: both orders ran, each pair verified its Java bytes (or the
            // trial would have thrown), one summary row per size and placement
            Table rounds = Table.read()
                    .csv(run.resolve("stream-throughput/calibration-rounds.csv").toFile());
            assertTrue(rounds.rowCount() >= 2, "calibration rounds recorded");
            assertEquals(
                    Set.of("java", "tool"),
                    Set.copyOf(rounds.stringColumn("first").asList()),
                    "the two alternate which runs first");
            Table summary = Table.read()
                    .csv(run.resolve("stream-throughput/calibration.csv").toFile());
            assertEquals(
                    rounds.stringColumn("placement").unique().size() * 2,
                    summary.rowCount(),
                    "one summary row per placement and tool (write, sendfile) at the one quick size");
            assertTrue(
                    rounds.stringColumn("tool").asList().stream().anyMatch(t -> t.contains("-Z (sendfile)")),
                    "the harness's sendfile beside iperf3 -Z");
            assertTrue(Files.isRegularFile(run.resolve("stream-throughput/calibration.png")));
            assertTrue(perf1.get("evidence").toString().contains("paired ratio"), perf1.toString());
            if (SoftirqThreads.find().sees(CpuAffinity.of(0))) {
                // the kernel's ksoftirqd time beside each side of every round: a share of the peers' CPUs
                for (String side : List.of("java_ksoftirqd_share", "reference_ksoftirqd_share"))
                    for (double share : rounds.numberColumn(side).asDoubleArray())
                        assertTrue(share >= 0 && share <= 1, side + " " + share);
                assertTrue(Files.isRegularFile(run.resolve("stream-throughput/calibration-softirq.png")));
                assertTrue(perf1.get("evidence").toString().contains("ksoftirqd threads took"), perf1.toString());
            } else {
                // hidden (a PID namespace): the shares are unknown, written empty, never 0, and the run says why (read
                // as text: a column Tablesaw finds all empty it reads as zeros)
                List<String> lines = Files.readAllLines(run.resolve("stream-throughput/calibration-rounds.csv"));
                List<String> header = List.of(lines.getFirst().split(","));
                for (String side : List.of("java_ksoftirqd_share", "reference_ksoftirqd_share"))
                    for (String row : lines.subList(1, lines.size())) {
                        String share = row.split(",", -1)[header.indexOf(side)];
                        assertTrue(share.isEmpty() || share.equals("NaN"), side + " " + share);
                    }
                String evidence = perf1.get("evidence").toString();
                assertTrue(evidence.contains("ksoftirqd threads are not visible"), evidence);
                assertFalse(evidence.contains("ksoftirqd threads took"), evidence);
                assertFalse(
                        Files.exists(run.resolve("stream-throughput/calibration-softirq.png")), "no shares, no figure");
            }
        }
        // every trial in the CSV verified its bytes: all that was sent arrived, and no byte differed from the pattern
        Table trials = Table.read()
                .csv(run.resolve("stream-throughput/java-trials.csv").toFile());
        assertTrue(trials.rowCount() > 0, "the sweep recorded trials");
        for (int r = 0; r < trials.rowCount(); r++) {
            assertEquals(
                    trials.numberColumn("bytes_sent").getDouble(r),
                    trials.numberColumn("bytes_received").getDouble(r),
                    "trial " + r + " lost bytes");
            assertEquals(-1.0, trials.numberColumn("mismatch_at").getDouble(r), "trial " + r + " has a corrupted byte");
        }
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("id=\"PERF-1\"") && html.contains("id=\"MORE-4\""));
        assertTrue(out.toString().contains("07 Performance"), "verdict table grouped by section");
        // the report can be re-rendered from the directory alone
        assertEquals(0, LabCli.execute("report", run.toString()), err.toString());
        reportLoadsInABrowser(run);
        comparesWithTheReferenceRuns(run, tmp.resolve("compare"));
        // today's rules applied to what the run just recorded give what the run decided (PERF-2 is rejudged here)
        byte[] recorded = Files.readAllBytes(run.resolve("verdicts.json"));
        assertEquals(0, LabCli.execute("rejudge", run.toString()), err.toString());
        var rejudged = RunStore.JSON.readTree(run.resolve(Rejudge.FILE).toFile());
        assertTrue(rejudged.get("rejudged").toString().contains("PERF-2"), rejudged.toString());
        assertEquals(0, rejudged.get("changed").size(), "rejudging the run changed: " + rejudged.get("changed"));
        assertTrue(out.toString().contains("no verdict or measured value changed"), out.toString());
        assertTrue(
                Arrays.equals(recorded, Files.readAllBytes(run.resolve("verdicts.json"))), "verdicts.json untouched");
    }

    /** ./lab compare on the committed reference run(s) and the run just made: both listed, every claim a row, files written. */
    private void comparesWithTheReferenceRuns(Path run, Path outDir) throws IOException {
        var refs = ReferenceRuns.under(Path.of("..").toAbsolutePath().normalize());
        assertFalse(refs.isEmpty(), "a reference run is committed under data/reference");
        List<String> args = new ArrayList<>(List.of("compare"));
        refs.forEach(r -> args.add(r.toString()));
        args.addAll(List.of(run.toString(), "--out", outDir.toString()));
        out.reset();
        assertEquals(0, LabCli.execute(args.toArray(String[]::new)), err.toString());
        String text = out.toString();
        assertTrue(
                text.contains("run " + (refs.size() + 1) + ":")
                        && text.contains(run.getFileName().toString()),
                text);
        assertTrue(text.contains("TRIG-1") && text.contains("MORE-4"), "every claim has a row");
        assertTrue(Files.isRegularFile(outDir.resolve("comparison.html"))
                && Files.isRegularFile(outDir.resolve("comparison.csv")));
    }

    /**
     * The report as a reader sees it: Chromium loads it from disk, its self-check script counts the claims
     * and the figures that decoded, and every relative link (CSV, SVG, notebook) names a file of the run.
     */
    static void reportLoadsInABrowser(Path run) throws IOException {
        HeadlessBrowser browser = HeadlessBrowser.find();
        if (browser == null) {
            // ./lab setup installs chromium-headless-shell whenever it can (as root); elsewhere the check cannot run
            assertFalse(
                    "root".equals(System.getProperty("user.name")),
                    "no chromium-headless-shell or chromium on PATH although root: ./lab setup installs it");
            Assumptions.abort("no headless Chromium on PATH (not root, so ./lab setup could not install it)");
        }
        String dom = browser.dumpDom(run.resolve("report.html"));
        String body = dom.substring(dom.indexOf("<body"), dom.indexOf('>', dom.indexOf("<body")) + 1);
        assertTrue(body.contains("data-claims="), "the self-check ran in the browser: " + body);
        int figures = bodyNumber(body, "data-figures");
        assertTrue(figures > 0, "the run drew figures");
        assertEquals(figures, bodyNumber(body, "data-figures-shown"), "every figure decoded in the browser");
        assertEquals(45, bodyNumber(body, "data-claims"), "all 45 claims are on the page");
        assertFalse(dom.contains("id=\"broken-figures\""), "no figure reported broken");
        int tables = bodyNumber(body, "data-tables");
        assertTrue(tables > 1, "the host table and the experiments' tables are tables: " + tables);
        assertEquals(tables, bodyNumber(body, "data-tables-well-formed"), "every table row has a cell per header");
        Matcher href = Pattern.compile("href=\"([^\"#][^\"]*)\"").matcher(dom);
        int links = 0;
        while (href.find()) {
            String target = href.group(1);
            if (target.contains(":")) continue; // absolute URLs: none are written, and none could be checked offline
            assertTrue(Files.isRegularFile(run.resolve(target)), "link " + target + " resolves inside the run");
            links++;
        }
        assertTrue(links > 0, "the report links its CSVs");
    }

    private static int bodyNumber(String body, String attribute) {
        Matcher m = Pattern.compile(attribute + "=\"(\\d+)\"").matcher(body);
        assertTrue(m.find(), attribute + " on " + body);
        return Integer.parseInt(m.group(1));
    }
}

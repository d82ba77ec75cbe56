package lab.loopback.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.echo.PingPong;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.Profile;
import lab.loopback.measurements.Calibration;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.RecordTable;
import lab.loopback.workbench.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

/**
 * {@code ./lab bench calibration}: the harness beside iperf3 (stream) and sockperf (ping-pong), interleaved per size,
 * placement and round as every run does it, without the experiments around it; prints the paired ratios.
 */
@Command(
        name = "calibrate",
        description = "The Java harness beside iperf3 and sockperf on 127.0.0.1, interleaved round by round; prints "
                + "the paired ratios per size and placement (./lab bench calibration).")
final class Calibrate implements Callable<Integer> {
    @Option(
            names = "--profile",
            defaultValue = "standard",
            description = "quick, standard or thorough (sizes, rounds and seconds per side); default ${DEFAULT-VALUE}")
    String profile;

    @Option(
            names = "--out",
            description =
                    "a directory to write calibration.csv (per size and placement) and calibration-rounds.csv into")
    Path out;

    @Override
    public Integer call() {
        Profile p = Profile.parse(profile);
        if (out != null && Files.exists(out) && !Files.isDirectory(out))
            throw new IllegalArgumentException("--out " + out + " is a file; a directory is needed");
        List<String> notes = new ArrayList<>();
        List<Calibration.Pair> pairs = new ArrayList<>();
        try (RunContext ctx = new RunContext(p, HostProbe.probe(), ClaimLedger.bundled(), 0, System.err::println)) {
            pairs.addAll(Calibration.stream(ctx, notes));
            try (PingPong pp = PingPong.start(Transports.byId("tcp-lo"), 900)) {
                pairs.addAll(Calibration.pingPong(ctx, pp, notes));
            }
        }
        Table summary = RecordTable.of("calibration", Calibration.Summary.class, Calibration.summarize(pairs));
        System.out.println(summary.printAll());
        notes.forEach(n -> System.out.println("note: " + n));
        if (out != null) {
            Table rounds = RecordTable.of("calibration-rounds", Calibration.Pair.class, pairs);
            AtomicFiles.write(
                    out.resolve("calibration.csv"), tmp -> summary.write().csv(tmp.toFile()));
            AtomicFiles.write(
                    out.resolve("calibration-rounds.csv"), tmp -> rounds.write().csv(tmp.toFile()));
            System.out.println(
                    "written: " + out.resolve("calibration.csv") + ", " + out.resolve("calibration-rounds.csv"));
        }
        return pairs.isEmpty() ? 1 : 0;
    }
}

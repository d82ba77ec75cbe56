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
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Placement;
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
            names = "--rounds",
            description =
                    "rounds per size and placement instead of the profile's (1.." + Calibration.Plan.MAX_ROUNDS + ")")
    Integer rounds;

    @Option(
            names = "--seconds",
            description = "seconds each side runs per round instead of the profile's (1.."
                    + Calibration.Plan.MAX_SECONDS + ")")
    Integer seconds;

    @Option(
            names = "--stream-sizes",
            split = ",",
            description = "stream write sizes instead of the profile's (4096, 64K, 1M; 'none' for no stream)")
    List<String> streamSizes;

    @Option(
            names = "--ping-pong-sizes",
            split = ",",
            description = "ping-pong message sizes instead of the profile's ('none' for no ping-pong)")
    List<String> pingPongSizes;

    @Option(names = "--no-sendfile", description = "skip the stream sent with sendfile(2) beside iperf3 -Z")
    boolean noSendfile;

    @Option(
            names = "--placement",
            split = ",",
            description = "same-cpu and/or two-cpus instead of every placement this host can arrange")
    List<String> placements;

    @Option(
            names = "--out",
            description =
                    "a directory to write calibration.csv (per size and placement) and calibration-rounds.csv into")
    Path out;

    @Override
    public Integer call() {
        Profile p = Profile.parse(profile);
        Calibration.Plan plan = plan(Calibration.Plan.of(p));
        if (out != null && Files.exists(out) && !Files.isDirectory(out))
            throw new IllegalArgumentException("--out " + out + " is a file; a directory is needed");
        List<String> notes = new ArrayList<>();
        List<Calibration.Pair> pairs = new ArrayList<>();
        try (RunContext ctx = new RunContext(p, HostProbe.probe(), ClaimLedger.bundled(), 0, System.err::println)) {
            pairs.addAll(Calibration.stream(ctx, plan, notes));
            if (!plan.pingPongSizes().isEmpty()) {
                long lifetime = (long) plan.pingPongSizes().size() * plan.rounds() * (2L * plan.seconds() + 10) + 900;
                try (PingPong pp = PingPong.start(Transports.byId("tcp-lo"), lifetime)) {
                    pairs.addAll(Calibration.pingPong(ctx, plan, pp, notes));
                }
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

    /** The profile's plan with what the options change; a bad value is refused before anything is measured. */
    Calibration.Plan plan(Calibration.Plan base) {
        List<Integer> stream = streamSizes == null ? base.streamSizes() : sizes(streamSizes),
                pingPong = pingPongSizes == null ? base.pingPongSizes() : sizes(pingPongSizes);
        if (stream.isEmpty() && pingPong.isEmpty())
            throw new IllegalArgumentException(
                    "--stream-sizes none and --ping-pong-sizes none leave nothing to measure");
        return new Calibration.Plan(
                rounds == null ? base.rounds() : rounds,
                seconds == null ? base.seconds() : seconds,
                stream,
                pingPong,
                base.sendfile() && !noSendfile,
                placements == null
                        ? base.placements()
                        : placements.stream().map(Placement::parse).toList());
    }

    /** "none" alone: no size; else each a byte count (4096, 64K, 1M). */
    private static List<Integer> sizes(List<String> texts) {
        if (texts.size() == 1 && texts.getFirst().strip().equalsIgnoreCase("none")) return List.of();
        List<Integer> sizes = new ArrayList<>();
        for (String t : texts) {
            long n = Bytes.parse(t);
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("size '" + t + "' is too large");
            sizes.add((int) n);
        }
        return sizes;
    }
}

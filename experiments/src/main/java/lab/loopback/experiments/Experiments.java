package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.compare.ComparisonFigures;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.Figure;

/** Every experiment of the workbench, in article order of the claims they judge. */
public final class Experiments {
    private Experiments() {}

    public static List<Experiment> all() {
        return List.of(
                new LoopbackPath(),
                new CopyCount(),
                new NearRamSpeed(),
                new KernelSymbolsExperiment(),
                new FastPathConditions(),
                new ZeroCopyTechniques(),
                new SyscallsAndDelivery(),
                new CExampleExperiment(),
                new TriggerCopies(),
                new WakeUp(),
                new RouteLookups(),
                new StreamThroughput(),
                new IperfUnits(),
                new IoUringProbe(),
                new IoUringSends(),
                new LoopbackDma(),
                new EchoShootout(),
                new TlsCost(),
                new OtherUidAccess(),
                new MtuAndSegments(),
                new RoutesAndNat(),
                new NetfilterRules(),
                new ChecksumSetting(),
                new CongestionModules(),
                new BlockingModes(),
                new VethVersusLo(),
                new VethOptions(),
                new IpcShootout(),
                new TcpSemantics(),
                new CacheResidency(),
                new RdmaComparison(),
                new PointersAndCopies(),
                new WaitModes(),
                new UnixVersusTcp(),
                new FastOpen(),
                new ToolsOnLoopback());
    }

    /** The key figures of several runs overlaid: measured ÷ claimed per claim, and the stream sweep by write size. */
    public static List<Figure> acrossRuns(RunComparison cmp) {
        List<Figure> out = new ArrayList<>();
        ComparisonFigures.ratios(cmp).ifPresent(out::add);
        StreamThroughput.acrossRuns(cmp).ifPresent(out::add);
        return out;
    }

    /** The experiments needed to judge {@code claimIds}, each once. */
    public static List<Experiment> judging(List<String> claimIds) {
        List<Experiment> out = new ArrayList<>();
        for (Experiment e : all()) if (e.claims().stream().anyMatch(claimIds::contains)) out.add(e);
        return out;
    }

    public static boolean judges(String claimId) {
        return all().stream().anyMatch(e -> e.claims().contains(claimId));
    }

    /** The experiment that judges {@code claimId}, or an error saying none does yet. */
    public static Experiment forClaim(String claimId) {
        return all().stream()
                .filter(e -> e.claims().contains(claimId.toUpperCase()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no experiment judges " + claimId + " yet"));
    }
}

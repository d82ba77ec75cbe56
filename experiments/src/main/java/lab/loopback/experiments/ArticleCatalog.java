package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.loopback.compare.ComparisonFigures;
import lab.loopback.compare.KernelMatrix;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.Figure;
import lab.loopback.workbench.Catalog;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.RecordedRule;

/** The article's experiments and rules, declared to the workbench as its {@link Catalog} (META-INF/services). */
public final class ArticleCatalog implements Catalog {
    @Override
    public List<Experiment> experiments() {
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

    @Override
    public Map<String, RecordedRule> recordedRules() {
        return RecordedRules.ALL;
    }

    @Override
    public List<Figure> acrossRuns(RunComparison cmp) {
        List<Figure> out = new ArrayList<>();
        KernelMatrix.figure(cmp).ifPresent(out::add);
        ComparisonFigures.ratios(cmp).ifPresent(out::add);
        StreamThroughput.acrossRuns(cmp).ifPresent(out::add);
        return out;
    }
}

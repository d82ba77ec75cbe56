package lab.loopback.experiments;

import java.util.Map;
import lab.loopback.workbench.RecordedRule;

/**
 * Every claim's rule over a recorded run: claim id → the rule applied to that run's tables, either recomputing its
 * inputs from the measurements' tables or reading the facts its experiment recorded for it ({@link
 * RecordedRule#ofFacts}). {@code ./lab rejudge} applies these; tests check they reproduce the committed reference run
 * and every run the end-to-end tests make.
 */
final class RecordedRules {
    private RecordedRules() {}

    static final Map<String, RecordedRule> ALL = Map.ofEntries(
            Map.entry("TLDR-1", LoopbackPath::fromTablesParts),
            Map.entry("TLDR-2", CopyCount::fromTablesZeroCopy),
            Map.entry("TLDR-3", NearRamSpeed::fromTables),
            Map.entry(
                    "HIST-2",
                    RecordedRule.ofFacts(
                            LoopbackPath.Segments.class,
                            LoopbackPath.SEGMENTS,
                            f -> f.largestPayload() >= 0 ? (double) f.largestPayload() : null)),
            Map.entry("PATH-3", RouteLookups::fromTables),
            Map.entry("URING-3", RecordedRule.ofFacts(LoopbackDma.Facts.class, LoopbackDma.RULE, f ->
                    (double) f.dmaEvents())),
            Map.entry(
                    "TRIG-1",
                    RecordedRule.ofFacts(CExampleExperiment.Delivered.class, CExampleExperiment.RULE, f -> null)),
            Map.entry(
                    "TRIG-2",
                    RecordedRule.ofFacts(
                            TriggerCopies.Exchange.class, TriggerCopies.RULE, TriggerCopies.Exchange::copiesPerByte)),
            Map.entry(
                    "SEC-4",
                    RecordedRule.ofFacts(
                            RoutesAndNat.Seen.class,
                            RoutesAndNat.RULE,
                            f -> f.lookups() < 0 ? null : (double) f.lookups())),
            Map.entry("HIST-1", CopyCount::fromTablesFourCopies),
            Map.entry("FAST-1", KernelSymbolsExperiment::fromTablesFastPath),
            Map.entry("FAST-2", LoopbackPath::fromTablesBypass),
            Map.entry("FAST-3", FastPathConditions::fromTables),
            Map.entry("PATH-1", LoopbackPath::fromTablesDevice),
            Map.entry("PATH-4", KernelSymbolsExperiment::fromTablesLocation),
            Map.entry("ZC-1", ZeroCopyTechniques::fromTablesZc1),
            Map.entry("ZC-2", SyscallsAndDelivery::fromTables),
            Map.entry("SPL-1", ZeroCopyTechniques::fromTablesSplice),
            Map.entry("SPL-2", ZeroCopyTechniques::fromTablesMoveFlag),
            Map.entry("URING-1", IoUringProbe::fromTables),
            Map.entry("URING-2", IoUringSends::fromTables),
            Map.entry("PATH-2", WakeUp::fromTables),
            Map.entry("PERF-1", StreamThroughput::fromTables),
            Map.entry("PERF-2", IperfUnits::fromTables),
            Map.entry("URING-4", EchoShootout::fromTables),
            Map.entry("SEC-1", TlsCost::fromTables),
            Map.entry("SEC-2", OtherUidAccess::fromTables),
            Map.entry("SEC-3", MtuAndSegments::fromTables),
            Map.entry("FAIL-1", NetfilterRules::fromTables),
            Map.entry("FAIL-2", ChecksumSetting::fromTables),
            Map.entry("FAIL-3", VethVersusLo::fromTablesDegrade),
            Map.entry("FAIL-4", CongestionModules::fromTables),
            Map.entry("FAIL-5", BlockingModes::fromTables),
            Map.entry("VETH-1", VethVersusLo::fromTablesVeth),
            Map.entry("VETH-2", VethOptions::fromTables),
            Map.entry("IPC-1", IpcShootout::fromTablesBeatsAll),
            Map.entry("IPC-2", IpcShootout::fromTablesBasicallyShm),
            Map.entry("IPC-3", TcpSemantics::fromTables),
            Map.entry("FIN-1", CacheResidency::fromTables),
            Map.entry("FIN-2", RdmaComparison::fromTables),
            Map.entry("FIN-3", PointersAndCopies::fromTables),
            Map.entry("MORE-1", WaitModes::fromTables),
            Map.entry("MORE-2", UnixVersusTcp::fromTables),
            Map.entry("MORE-3", FastOpen::fromTables),
            Map.entry("MORE-4", ToolsOnLoopback::fromTables));
}

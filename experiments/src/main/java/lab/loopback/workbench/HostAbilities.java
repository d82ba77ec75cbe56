package lab.loopback.workbench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.ipc.SharedMemoryRing;
import lab.loopback.kernel.KernelSymbols;
import lab.loopback.kernel.Tracefs;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.Nft;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import lab.loopback.sys.LockedMemory;
import lab.loopback.uring.IoUringSupport;

/**
 * What this host lets the workbench do, asked with the same checks the experiments use. A claim that came back
 * NOT_TESTABLE_HERE for want of something the host has was not judged where it could have been: a bug, or a
 * restriction nobody handled, which {@code ./lab test} must show rather than pass.
 */
public record HostAbilities(Set<Lack> present) {
    /** The reference tools an experiment may need (HostProbe records their versions). */
    public static final List<String> TOOLS = List.of("iperf3", "sockperf", "strace", "ip", "nft");

    public HostAbilities {
        present = present.isEmpty() ? EnumSet.noneOf(Lack.class) : EnumSet.copyOf(present);
    }

    /** This process on this host, now. */
    public static HostAbilities probe() {
        EnumSet<Lack> has = EnumSet.noneOf(Lack.class);
        if (Libc.geteuid() == 0) has.add(Lack.ROOT);
        if (Tracefs.reachable()) has.add(Lack.TRACEFS);
        if (IoUringSupport.check().available()) has.add(Lack.IO_URING);
        if (NetNamespace.unavailable() == null) has.add(Lack.NAMESPACES);
        if (Nft.unavailable() == null) has.add(Lack.NFTABLES);
        if (LockedMemory.exempt() || LockedMemory.softLimit() == Long.MAX_VALUE) has.add(Lack.LOCKED_MEMORY);
        if (SharedMemoryRing.unavailable() == null) has.add(Lack.SHARED_MEMORY);
        if (KernelSymbols.live().unavailable() == null) has.add(Lack.KALLSYMS);
        if (TOOLS.stream().allMatch(t -> Command.which(t) != null)) has.add(Lack.TOOL);
        return new HostAbilities(has);
    }

    /** The abilities a host can have or lack (the other lacks are the kernel's, an emulator's, a host setting's, or no data). */
    public static final Set<Lack> ABILITIES =
            EnumSet.complementOf(EnumSet.of(Lack.KERNEL, Lack.EMULATED, Lack.HOST_POLICY, Lack.NO_DATA, Lack.FAILED));

    /** Whether this host has every ability the experiments use: then every figure and table must be produced. */
    public boolean hasEvery() {
        return present.containsAll(ABILITIES);
    }

    /**
     * Whether a verdict that names {@code lack} could have been judged here: the host has that ability; a verdict
     * for want of data, or of a working experiment, never is justified; a kernel's or a host setting's lack always is.
     */
    public boolean couldHaveJudged(Lack lack) {
        if (ABILITIES.contains(lack)) return present.contains(lack);
        return lack == Lack.NO_DATA || lack == Lack.FAILED;
    }

    /**
     * The verdicts that were not judged although this host could have judged them, each as one line naming the
     * claim, what it said it lacked and its reason. A NOT_TESTABLE_HERE verdict that names no lack (recorded before
     * verdicts named one) counts as unjudged without cause.
     */
    public List<String> unjudged(Stream<ClaimVerdict> verdicts) {
        List<String> out = new ArrayList<>();
        verdicts.filter(v -> v.verdict() == Verdict.NOT_TESTABLE_HERE).forEach(v -> {
            if (v.lack() == null) out.add(v.claim() + ": NOT_TESTABLE_HERE naming no lack: " + v.summary());
            else if (couldHaveJudged(v.lack()))
                out.add(v.claim() + ": NOT_TESTABLE_HERE for want of "
                        + v.lack().what()
                        + (v.lack() == Lack.NO_DATA || v.lack() == Lack.FAILED ? "" : ", which this host has") + ": "
                        + v.summary());
        });
        return out;
    }
}

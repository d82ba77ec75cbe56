package lab.loopback.workbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.kernel.HostFingerprint;
import lab.loopback.kernel.KernelSource;
import lab.loopback.kernel.Tracefs;
import lab.loopback.measure.MeasurementInterruptedException;
import lab.loopback.measure.Profile;
import lab.loopback.tools.Iperf3;

/**
 * What every experiment of one run shares: the profile, this host, the ledger, the port choice, a progress
 * sink, and measurements one experiment made that another may reuse (the stream sweep feeds both PERF-1
 * and TLDR-3, so a full run measures it once).
 */
public final class RunContext implements AutoCloseable {
    private final Profile profile;
    private final HostFingerprint host;
    private final ClaimLedger ledger;
    private final int port;
    private final Consumer<String> progress;
    private final Map<String, Object> shared = new HashMap<>();
    private Tracefs tracefs;
    private Path kernelSource;
    private SecondLook secondLook = SecondLook.AT_ONCE;
    private final List<String> undecided = new ArrayList<>();
    private int rounds;

    /**
     * When an experiment whose comparisons are still undecided after its planned rounds takes its second look:
     * {@code AT_ONCE} (a notebook: as many rounds again, added to the first); {@code DEFERRED} (a first pass of {@code
     * lab run}: the experiment says what is undecided and the run decides, after every first pass, whether the budget
     * allows a second look); {@code NOW} (that second look: twice the planned rounds, measured afresh).
     */
    public enum SecondLook {
        AT_ONCE,
        DEFERRED,
        NOW
    }

    public synchronized SecondLook secondLook() {
        return secondLook;
    }

    /** Sets the policy for the experiments run next and forgets what the last one reported. */
    public synchronized RunContext secondLook(SecondLook policy) {
        this.secondLook = policy;
        undecided.clear();
        rounds = 0;
        return this;
    }

    /**
     * An experiment's interleaved comparisons: {@code rounds} taken, {@code open} the comparisons still undecided
     * (for a deferred second look).
     */
    public synchronized void rounds(int rounds, List<String> open) {
        this.rounds += rounds;
        undecided.addAll(open);
    }

    /** The rounds the experiments since {@link #secondLook(SecondLook)} reported. */
    public synchronized int roundsReported() {
        return rounds;
    }

    /** The comparisons they left undecided. */
    public synchronized List<String> undecidedReported() {
        return List.copyOf(undecided);
    }

    /** {@code port} 0 lets the kernel choose; otherwise the receiver binds it and iperf3 uses port + 1. */
    public RunContext(Profile profile, HostFingerprint host, ClaimLedger ledger, int port, Consumer<String> progress) {
        this.profile = profile;
        this.host = host;
        this.ledger = ledger;
        this.port = port;
        this.progress = progress;
    }

    public Profile profile() {
        return profile;
    }

    public HostFingerprint host() {
        return host;
    }

    public ClaimLedger ledger() {
        return ledger;
    }

    /** A verdict of claim {@code id} on this host, to be built by name ({@link ClaimVerdict#judged}). */
    public ClaimVerdict.Builder judged(String id, Verdict verdict) {
        return ClaimVerdict.judged(claim(id), verdict, host().hostId());
    }

    public Claim claim(String id) {
        return ledger.claim(id);
    }

    /** The bind spec for the stream receiver: "0" (any port) unless --port was given. */
    public String receiverPort() {
        return Integer.toString(port);
    }

    /** The port for a reference tool's server (iperf3, sockperf). */
    public int toolPort() {
        return port == 0 ? Iperf3.freeLoopbackPort() : port + 1;
    }

    /** Reports a step; an interrupted measurement (a notebook's Kernel → Interrupt) stops here. */
    public void progress(String message) {
        MeasurementInterruptedException.check();
        progress.accept(message);
    }

    /** A kernel source tree to consult (PATH-4): set by --kernel-src, else LAB_KERNEL_SRC; null when neither. */
    public synchronized KernelSource kernelSource() {
        Path p = kernelSource;
        if (p == null) {
            String env = System.getenv("LAB_KERNEL_SRC");
            if (env == null || env.isBlank()) return null;
            p = Path.of(env);
        }
        return KernelSource.at(p);
    }

    public synchronized RunContext withKernelSource(Path tree) {
        KernelSource.at(tree); // a bad path is an error now, not in the middle of a run
        this.kernelSource = tree;
        return this;
    }

    /** tracefs, located once per run (mounted if absent and this process is root); never null, may be unavailable. */
    public synchronized Tracefs tracefs() {
        if (tracefs == null) tracefs = Tracefs.locate(true);
        return tracefs;
    }

    /** Unmounts tracefs if this run mounted it. */
    @Override
    public synchronized void close() {
        if (tracefs != null) tracefs.release();
        tracefs = null;
    }

    /** What {@link #shared} measured under {@code key} earlier in this run, if anything. */
    @SuppressWarnings("unchecked")
    public synchronized <T> Optional<T> sharedIfPresent(String key) {
        return Optional.ofNullable((T) shared.get(key));
    }

    @SuppressWarnings("unchecked")
    public synchronized <T> T shared(String key, Supplier<T> measure) {
        Object v = shared.get(key);
        if (v == null) {
            v = measure.get();
            shared.put(key, v);
        }
        return (T) v;
    }
}

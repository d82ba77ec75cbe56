package lab.loopback.experiments;

import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.kernel.HostFingerprint;
import lab.loopback.measure.Profile;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every experiment of one run shares: the profile, this host, the ledger, the port choice, a progress
 * sink, and measurements one experiment made that another may reuse (the stream sweep feeds both PERF-1
 * and TLDR-3, so a full run measures it once).
 */
public final class RunContext {
    private final Profile profile;
    private final HostFingerprint host;
    private final ClaimLedger ledger;
    private final int port;
    private final Consumer<String> progress;
    private final Map<String, Object> shared = new HashMap<>();

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

    public Claim claim(String id) {
        return ledger.claim(id);
    }

    /** The bind spec for the stream receiver: "0" (any port) unless --port was given. */
    public String receiverPort() {
        return Integer.toString(port);
    }

    /** The port for a reference tool's server (iperf3, sockperf). */
    public int toolPort() {
        return port == 0 ? lab.loopback.tools.Iperf3.freeLoopbackPort() : port + 1;
    }

    public void progress(String message) {
        progress.accept(message);
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

package lab.loopback.workbench;

import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.result.Outcome;

/**
 * The outcome of an experiment that threw on this host: every claim it judges is NOT_TESTABLE_HERE with the
 * exception as the reason, so a run and a notebook go on (and a notebook shows the reference run's figures).
 */
public final class FailedExperiment {
    private FailedExperiment() {}

    public static Outcome outcome(Experiment e, RuntimeException ex, ClaimLedger ledger, String hostId) {
        Outcome o = new Outcome(e.name());
        for (String id : e.claims()) {
            o.verdict(ClaimVerdict.notTestable(
                    ledger.claim(id),
                    Lack.FAILED,
                    "The experiment failed on this host, so nothing was judged: " + ex,
                    hostId));
        }
        return o;
    }
}

package lab.loopback.measurements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.echo.PingPong;
import lab.loopback.ipc.Transports;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.tools.Sockperf;
import lab.loopback.workbench.RunContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Live: the ping-pong calibration warms the harness's JIT up before its first timed pair, as the stream's does. */
class CalibrationWarmUpTest {
    @Test
    void twoWarmUpTrialsComeBeforeTheFirstPair() {
        Assumptions.assumeTrue(Sockperf.installed(), "sockperf is not installed");
        Assumptions.assumeTrue(
                Placement.arrangeable(CpuAffinity.of(0)).contains(Placement.SAME_CPU),
                "both peers cannot be pinned to one CPU here");
        List<String> said = new ArrayList<>(), notes = new ArrayList<>();
        Calibration.Plan plan = new Calibration.Plan(1, 1, List.of(), List.of(64), false, List.of(Placement.SAME_CPU));
        try (RunContext ctx =
                        new RunContext(Profile.parse("quick"), HostProbe.probe(), ClaimLedger.bundled(), 0, said::add);
                PingPong pp = PingPong.start(Transports.byId("tcp-lo"), 120)) {
            List<Calibration.Pair> pairs = Calibration.pingPong(ctx, plan, pp, notes);
            assertEquals(1, pairs.size(), "one round at one placement: " + notes);
            assertEquals(3, pp.trialsRun(), "two warm-up trials and the round's own");
        }
        int warmUp = indexOf(said, "warming the Java ping-pong up"), round = indexOf(said, "round 1 of 1");
        assertTrue(warmUp >= 0 && warmUp < round, "the warm-up is announced before the first round: " + said);
    }

    private static int indexOf(List<String> said, String part) {
        for (int i = 0; i < said.size(); i++) if (said.get(i).contains(part)) return i;
        return -1;
    }
}

package lab.loopback.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lab.loopback.ipc.Transports;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.sys.CpuAffinity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ping-pong runner places both peers where a trial asks, the kernel reports them there, and both threads get their
 * CPU sets back afterwards.
 */
class PingPongPlacementTest {
    @Test
    void trialsRunWhereTheyAreRecordedToRun() {
        List<Integer> mine = CpuAffinity.of(0);
        Assumptions.assumeTrue(mine.size() >= 2, () -> "needs two CPUs; this thread may run on " + mine);
        try (PingPong p = PingPong.start(Transports.byId("tcp-lo"), 120)) {
            List<Integer> server = CpuAffinity.of(p.serverTid());
            PingPong.Trial same = p.trial(64, "timed", 0, 500, 10, Placement.SAME_CPU);
            assertEquals("same-cpu", same.placement());
            assertEquals(mine.get(0), same.clientCpu(), "the client ran on the first CPU it may use");
            assertEquals(mine.get(0), same.serverCpu(), "the server's thread ran there too");
            // each peer ran for every round trip, as the kernel accounts the two threads
            assertTrue(same.clientCpuMicrosPerRoundTrip() > 0, "client CPU " + same.clientCpuMicrosPerRoundTrip());
            assertTrue(same.serverCpuMicrosPerRoundTrip() > 0, "server CPU " + same.serverCpuMicrosPerRoundTrip());
            PingPong.Trial two = p.trial(64, "timed", 1, 500, 10, Placement.TWO_CPUS);
            assertEquals("two-cpus", two.placement());
            assertNotEquals(two.clientCpu(), two.serverCpu());
            assertEquals(mine.get(1), two.serverCpu());
            assertEquals(500, two.stats().roundTrips(), "every answer verified");
            assertEquals(mine, CpuAffinity.of(0), "the client thread's CPU set is restored");
            assertEquals(server, CpuAffinity.of(p.serverTid()), "the server thread's CPU set is restored");
            PingPong.Trial free = p.trial(64, "timed", 2, 500, 10);
            assertEquals("scheduler", free.placement());
        }
    }

    @Test
    void theProfileTrialsAlternatePlacementsAndSplitTheTime() {
        List<Integer> mine = CpuAffinity.of(0);
        Assumptions.assumeTrue(mine.size() >= 2, () -> "needs two CPUs; this thread may run on " + mine);
        try (PingPong p = PingPong.start(Transports.byId("unix"), 120)) {
            List<PingPong.Trial> ts = p.trials(64, Profile.QUICK);
            List<String> timed = ts.stream()
                    .filter(t -> t.phase().equals("timed"))
                    .map(PingPong.Trial::placement)
                    .toList();
            // rounds 0, 1, 2: AB, BA, AB
            assertEquals(
                    List.of("same-cpu", "two-cpus", "two-cpus", "same-cpu", "same-cpu", "two-cpus"),
                    timed.subList(0, 6));
            assertEquals(Profile.QUICK.trials * 2, timed.size());
            assertTrue(
                    ts.stream().allMatch(t -> t.stats().roundTrips() <= Profile.QUICK.pingPongRoundTrips / 2),
                    "each placed trial has half the profile's round trips");
        }
    }
}

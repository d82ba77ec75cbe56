package lab.loopback.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import lab.loopback.ipc.TcpNetns;
import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Command;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each condition is either set up on a private namespace's lo — and then really there, with verified bytes still
 * crossing lo — or refused with the command and the kernel's reason; the host's lo, xfrm state and links never change,
 * and the namespace goes with everything in it.
 */
class PathConditionTest {
    @ParameterizedTest
    @EnumSource(PathCondition.class)
    void setUpInsideItsNamespaceOrRefusedWithTheReason(PathCondition pc) {
        Assumptions.assumeTrue(NetNamespace.unavailable() == null, String.valueOf(NetNamespace.unavailable()));
        String hostQdisc =
                Command.run(10_000, "tc", "qdisc", "show", "dev", "lo").stdout();
        String hostXfrm = Command.run(10_000, "ip", "xfrm", "state").stdout();
        String hostLinks = Command.run(10_000, "ip", "-o", "link", "show").stdout();
        String name;
        try (NetNamespace ns = NetNamespace.create()) {
            name = ns.name();
            String why = pc.apply(ns);
            if (why == null) {
                String there = switch (pc) {
                    case DEFAULTS -> "";
                    case QDISC_FQ ->
                        ns.exec(10_000, "tc", "qdisc", "show", "dev", "lo").stdout();
                    case QDISC_NETEM ->
                        ns.exec(10_000, "tc", "qdisc", "show", "dev", "lo").stdout();
                    case QDISC_TBF ->
                        ns.exec(10_000, "tc", "qdisc", "show", "dev", "lo").stdout();
                    case IPSEC_ESP -> ns.ip("xfrm", "state");
                    case VRF -> ns.ip("-o", "link", "show", "type", "vrf");
                };
                String expected = switch (pc) {
                    case DEFAULTS -> "";
                    case QDISC_FQ -> "qdisc fq";
                    case QDISC_NETEM -> "qdisc netem";
                    case QDISC_TBF -> "qdisc tbf";
                    case IPSEC_ESP -> "proto esp";
                    case VRF -> "llab-vrf";
                };
                assertTrue(there.contains(expected), pc + " is not in place: " + there);
                // loopback traffic still flows, every byte verified, under the condition
                try (StreamRunner r = StreamRunner.start(new TcpNetns(ns), "127.0.0.1:0", 120, ns.execPrefix())) {
                    StreamTrial t = StreamRunner.verified(r.trial(65536, 30, 4L << 20, "timed", 0));
                    assertEquals(4L << 20, t.bytesReceived(), pc.toString());
                }
            } else {
                assertTrue(why.contains("`") && why.contains("failed"), "names the command: " + why);
                assertFalse(pc == PathCondition.DEFAULTS, "the defaults need no set-up: " + why);
            }
        }
        assertFalse(Files.exists(NetNamespace.RUN.resolve(name)), "the namespace is gone");
        assertEquals(
                hostQdisc,
                Command.run(10_000, "tc", "qdisc", "show", "dev", "lo").stdout(),
                "the host's lo qdisc");
        assertEquals(hostXfrm, Command.run(10_000, "ip", "xfrm", "state").stdout(), "the host's xfrm state");
        assertEquals(hostLinks, Command.run(10_000, "ip", "-o", "link", "show").stdout(), "the host's links");
    }

    @ParameterizedTest
    @EnumSource(PathCondition.class)
    void theReproduceLinesHideTheKey(PathCondition pc) {
        List<String> lines = pc.reproduce();
        assertEquals(pc == PathCondition.DEFAULTS, lines.isEmpty());
        lines.forEach(l -> assertFalse(l.matches(".*0x[0-9a-f]{40}.*"), l));
    }
}

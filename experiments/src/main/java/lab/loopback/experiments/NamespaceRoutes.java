package lab.loopback.experiments;

import java.util.List;
import java.util.function.UnaryOperator;
import lab.loopback.evidence.TracedStream;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.TcpNetns;
import lab.loopback.measure.Placement;
import lab.loopback.netns.NetNamespace;
import lab.loopback.netns.Veth;

/** The two routes the namespace experiments compare: lo inside namespace A, and veth from A to B. Both ends in workbench namespaces. */
final class NamespaceRoutes {
    static final String LO = "lo (inside namespace A)", VETH = "veth (A → B)";
    /** veth at its largest MTU, beside lo at 65536: the two compare paths, not MTUs. */
    static final String VETH_WIDE = "veth (A → B), MTU " + Veth.MAX_MTU;

    private NamespaceRoutes() {}

    /** lo of {@code ns}: receiver and sender both inside it, over 127.0.0.1. */
    static TracedStream.Route lo(NetNamespace ns) {
        return new TracedStream.Route(
                new TcpNetns(ns),
                "127.0.0.1:0",
                ns.execPrefix(),
                false,
                UnaryOperator.<Connection>identity(),
                Placement.SCHEDULER);
    }

    /** veth0 → veth1: the sender's socket in A, the receiver in B on {@link Veth#ADDRESS_B}. */
    static TracedStream.Route veth(Veth v) {
        return new TracedStream.Route(
                new TcpNetns(v.a()),
                Veth.ADDRESS_B + ":0",
                v.b().execPrefix(),
                false,
                UnaryOperator.<Connection>identity(),
                Placement.SCHEDULER);
    }

    static List<String> names() {
        return List.of(LO, VETH);
    }
}

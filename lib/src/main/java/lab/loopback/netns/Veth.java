package lab.loopback.netns;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The article's recipe: two namespaces joined by a veth pair, {@code veth0} in the first with
 * {@value #ADDRESS_A}, {@code veth1} in the second with {@value #ADDRESS_B} (a /24 that exists only inside
 * them). The pair is created directly inside the namespaces, so no end ever appears on the host, and it
 * disappears with them.
 */
public final class Veth implements AutoCloseable {
    public static final String ADDRESS_A = "10.203.0.1", ADDRESS_B = "10.203.0.2";
    /** The largest MTU a veth takes (ETH_MAX_MTU); lo's default is 65536, one more than any Ethernet device's. */
    public static final int MAX_MTU = 65535;

    private final NetNamespace a, b;

    private Veth(NetNamespace a, NetNamespace b) {
        this.a = a;
        this.b = b;
    }

    /** The pair with the kernel's default MTU (1500). */
    public static Veth create() {
        return create(0);
    }

    /** The pair with both ends at {@code mtu} (0: the kernel's default); a refused MTU is an error naming it. */
    public static Veth create(int mtu) {
        if (mtu < 0 || mtu > MAX_MTU)
            throw new IllegalArgumentException(
                    "veth MTU " + mtu + " is outside 68 .. " + MAX_MTU + " (0: the default)");
        NetNamespace a = NetNamespace.create();
        NetNamespace b = null;
        try {
            b = NetNamespace.create();
            NetNamespace.iproute(
                    "link", "add", "veth0", "netns", a.name(), "type", "veth", "peer", "name", "veth1", "netns",
                    b.name());
            if (mtu > 0) {
                a.ip("link", "set", "veth0", "mtu", Integer.toString(mtu));
                b.ip("link", "set", "veth1", "mtu", Integer.toString(mtu));
            }
            a.ip("addr", "add", ADDRESS_A + "/24", "dev", "veth0");
            b.ip("addr", "add", ADDRESS_B + "/24", "dev", "veth1");
            a.ip("link", "set", "veth0", "up");
            b.ip("link", "set", "veth1", "up");
            return new Veth(a, b);
        } catch (RuntimeException e) {
            if (b != null) b.close();
            a.close();
            throw e;
        }
    }

    /** The sending side's namespace (veth0, {@value #ADDRESS_A}). */
    public NetNamespace a() {
        return a;
    }

    /** The receiving side's namespace (veth1, {@value #ADDRESS_B}). */
    public NetNamespace b() {
        return b;
    }

    /** veth1's MTU, as the kernel reports it. */
    public int mtu() {
        String out = b.ip("-o", "link", "show", "veth1");
        Matcher m = Pattern.compile("mtu (\\d+)").matcher(out);
        if (!m.find()) throw new IllegalStateException("no mtu in `ip link show veth1`: " + out);
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
        try {
            b.close();
        } finally {
            a.close();
        }
    }
}

package lab.loopback.netns;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import lab.loopback.kernel.KernelConfig;
import lab.loopback.sys.Command;

/**
 * The conditions the article says the fast path needs to be free of (FAST-3: IPsec, QoS; FAIL-3: VRF), set up on the
 * loopback of a private namespace, so the host's own lo is never touched and everything goes with the namespace. Each
 * is what a reader would type (tc, ip xfrm, ip link); where the kernel lacks it, {@link #apply} says so in the tool's
 * words and the kernel configuration's.
 */
public enum PathCondition {
    /** lo as a new namespace has it: no qdisc (noqueue), no transform. */
    DEFAULTS("lo as created (noqueue, no IPsec policy)", null, List::of),
    /** The fair-queueing qdisc, the default of many distributions for real devices. */
    QDISC_FQ(
            "qdisc fq on lo",
            "CONFIG_NET_SCH_FQ",
            () -> List.of(List.of("tc", "qdisc", "add", "dev", "lo", "root", "fq"))),
    /** netem without delay or loss: the emulator's queue on the path, nothing else. */
    QDISC_NETEM(
            "qdisc netem on lo (no delay, no loss)",
            "CONFIG_NET_SCH_NETEM",
            () -> List.of(List.of("tc", "qdisc", "add", "dev", "lo", "root", "netem", "limit", "100000"))),
    /** A token-bucket shaper below lo's speed: QoS that really limits. */
    QDISC_TBF(
            "qdisc tbf on lo (rate 5gbit, burst 8mb: a short transfer runs largely on the burst)",
            "CONFIG_NET_SCH_TBF",
            () -> List.of(List.of(
                    "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "5gbit", "burst", "8mb", "latency",
                    "50ms"))),
    /** One ESP SA in transport mode for 127.0.0.1 → 127.0.0.1 (both directions use it), with a throwaway key. */
    IPSEC_ESP(
            "IPsec: ESP transport-mode SA on 127.0.0.1 (AES-GCM-128, policies in and out)",
            "CONFIG_INET_ESP",
            PathCondition::espCommands),
    /**
     * A VRF device beside lo, the connection left in the default VRF: creating it installs the l3mdev policy rule, so
     * every route lookup — 127.0.0.1's too — walks the rules. Traffic inside the VRF (sockets bound to its device) is not
     * measured.
     */
    VRF(
            "a VRF device present (table 10; the connection in the default VRF)",
            "CONFIG_NET_VRF",
            () -> List.of(
                    List.of("ip", "link", "add", "llab-vrf", "type", "vrf", "table", "10"),
                    List.of("ip", "link", "set", "llab-vrf", "up")));

    private final String label;
    private final String configOption;
    private final Supplier<List<List<String>>> commands;

    PathCondition(String label, String configOption, Supplier<List<List<String>>> commands) {
        this.label = label;
        this.configOption = configOption;
        this.commands = commands;
    }

    public String label() {
        return label;
    }

    /**
     * Sets this condition up inside {@code ns}: null when every command succeeded; else why not, in the tool's words
     * and, where it says, the running kernel's configuration (the namespace is left for the caller to close).
     */
    public String apply(NetNamespace ns) {
        for (List<String> argv : commands.get()) {
            if (Command.which(argv.getFirst()) == null)
                return argv.getFirst() + " is not installed (Debian package iproute2)";
            Command c = ns.exec(10_000, argv.toArray(String[]::new));
            if (!c.ok()) {
                String said = Command.firstLine(c.stderr().isBlank() ? c.stdout() : c.stderr());
                String config =
                        configOption == null ? null : KernelConfig.live().describe(configOption);
                return "`" + shown(argv) + "` failed: " + said + (config == null ? "" : "; the kernel: " + config);
            }
        }
        return null;
    }

    /** The commands as a reader would type them (the key shown as KEY). */
    public List<String> reproduce() {
        return commands.get().stream()
                .map(PathCondition::shown)
                .map(s -> s.replaceAll("0x[0-9a-f]{40}", "0xKEY"))
                .toList();
    }

    private static String shown(List<String> argv) {
        return String.join(
                " ",
                argv.stream()
                        .map(a -> a.contains(" ") || a.contains("(") ? "'" + a + "'" : a)
                        .toList());
    }

    /** A fresh 20-byte AES-GCM key and salt per set-up: the SA exists only inside the namespace, for one transfer. */
    private static List<List<String>> espCommands() {
        byte[] key = new byte[20];
        new SecureRandom().nextBytes(key);
        String hex = "0x" + HexFormat.of().formatHex(key);
        List<String> policy = List.of(
                "ip",
                "xfrm",
                "policy",
                "add",
                "src",
                "127.0.0.1/32",
                "dst",
                "127.0.0.1/32",
                "dir",
                "DIR",
                "tmpl",
                "src",
                "127.0.0.1",
                "dst",
                "127.0.0.1",
                "proto",
                "esp",
                "reqid",
                "1",
                "mode",
                "transport");
        return List.of(
                List.of(
                        "ip",
                        "xfrm",
                        "state",
                        "add",
                        "src",
                        "127.0.0.1",
                        "dst",
                        "127.0.0.1",
                        "proto",
                        "esp",
                        "spi",
                        "0x4c4c",
                        "reqid",
                        "1",
                        "mode",
                        "transport",
                        "aead",
                        "rfc4106(gcm(aes))",
                        hex,
                        "128"),
                policy.stream().map(a -> a.equals("DIR") ? "out" : a).toList(),
                policy.stream().map(a -> a.equals("DIR") ? "in" : a).toList());
    }
}

package lab.loopback.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.sys.Command;
import lab.loopback.sys.TempFiles;

/**
 * nftables inside a workbench namespace, never on the host: every call goes through {@code ip netns exec}
 * into a {@link NetNamespace}, so the host's rule set is neither read nor written. Rule sets are loaded as
 * one transaction ({@code nft -f}), so a bad one leaves nothing half-installed.
 */
public final class Nft {
    public static final String FILTER_TABLE = "llab_filter", NAT_TABLE = "llab_nat";
    /** The chain of the {@link #loRules} table that lo's incoming packets traverse. */
    public static final String LO_CHAIN = "lo_in";

    public static final int MAX_RULES = 100_000;
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes (\\d+)");

    private Nft() {}

    /** Why nftables cannot be used here, or null. */
    public static String unavailable() {
        String ns = NetNamespace.unavailable();
        if (ns != null) return ns;
        if (Command.which("nft") == null) return "nftables' `nft` is not installed (apt install nftables)";
        return null;
    }

    /**
     * A table whose input chain holds {@code rules} rules that every packet arriving on lo is tested against and
     * matches none of (source addresses from TEST-NET-1, 192.0.2.0/24 and on, are never on lo), then one rule
     * that counts what got through: that counter is the proof the traffic traversed the chain.
     */
    public static String loRules(int rules) {
        if (rules < 0 || rules > MAX_RULES)
            throw new IllegalArgumentException("rule count " + rules + " is outside 0.." + MAX_RULES);
        StringBuilder s = new StringBuilder("table inet " + FILTER_TABLE + " {\n  chain " + LO_CHAIN
                + " {\n    type filter hook input priority filter; policy accept;\n");
        for (int i = 0; i < rules; i++) {
            s.append("    iifname \"lo\" ip saddr 192.")
                    .append(i / 65536)
                    .append('.')
                    .append((i / 256) % 256)
                    .append('.')
                    .append(i % 256)
                    .append(" ip daddr 192.0.2.1 drop\n");
        }
        return s.append("    iifname \"lo\" counter\n  }\n}\n").toString();
    }

    /** A NAT table that sends locally generated TCP to 127.0.0.1:{@code from} on to port {@code to} (nft redirect). */
    public static String redirect(int from, int to) {
        checkPort(from);
        checkPort(to);
        return "table ip " + NAT_TABLE + " {\n  chain out {\n    type nat hook output priority -100; policy accept;\n"
                + "    oifname \"lo\" ip daddr 127.0.0.1 tcp dport " + from + " counter redirect to :" + to
                + "\n  }\n}\n";
    }

    /** Loads {@code ruleset} into {@code ns} as one transaction. */
    public static void apply(NetNamespace ns, String ruleset) {
        Path f = null;
        try {
            f = TempFiles.file("nft", ".nft");
            Files.writeString(f, ruleset);
            Command c = ns.exec(120_000, "nft", "-f", f.toString());
            if (!c.ok())
                throw new IllegalStateException("nft -f in namespace " + ns.name() + " failed (exit " + c.exitCode()
                        + "): " + c.stderr().strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the rule set file: " + e.getMessage(), e);
        } finally {
            if (f != null) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    /** {@code nft list ruleset} inside {@code ns}. */
    public static String list(NetNamespace ns) {
        Command c = ns.exec(60_000, "nft", "list", "ruleset");
        if (!c.ok())
            throw new IllegalStateException("nft list ruleset in " + ns.name() + " failed: "
                    + c.stderr().strip());
        return c.stdout();
    }

    /** Removes a table from {@code ns}. */
    public static void deleteTable(NetNamespace ns, String family, String table) {
        Command c = ns.exec(60_000, "nft", "delete", "table", family, table);
        if (!c.ok())
            throw new IllegalStateException("nft delete table " + family + " " + table + " in " + ns.name()
                    + " failed: " + c.stderr().strip());
    }

    /** Rules in a listing: lines that are neither structure (table, chain, type, braces) nor blank. */
    public static int ruleCount(String listing) {
        int n = 0;
        for (String l : listing.split("\n")) {
            String t = l.strip();
            if (t.isEmpty()
                    || t.equals("}")
                    || t.startsWith("table ")
                    || t.startsWith("chain ")
                    || t.startsWith("type ")) continue;
            n++;
        }
        return n;
    }

    /** The packets of the last counter in a listing (-1 if it has none). */
    public static long lastCounterPackets(String listing) {
        Matcher m = COUNTER.matcher(listing);
        long v = -1;
        while (m.find()) v = Long.parseLong(m.group(1));
        return v;
    }

    private static void checkPort(int p) {
        if (p < 1 || p > 65535) throw new IllegalArgumentException("port " + p + " is outside 1..65535");
    }
}

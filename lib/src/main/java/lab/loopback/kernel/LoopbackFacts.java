package lab.loopback.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.Command;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;

/**
 * What the kernel says about the loopback path before any byte moves: the route it picks for 127.0.0.1
 * ({@code ip route get}), lo's MTU, the MSS of a real loopback connection (TCP_MAXSEG), and lo's offload
 * features ({@code ethtool -k lo}). Missing tools leave their field null and say why in {@link #notes()}.
 */
public record LoopbackFacts(
        String route,
        String routeType,
        String routeDevice,
        Integer loMtu,
        int mss,
        Map<String, String> features,
        Map<String, String> notes) {

    public static LoopbackFacts probe() {
        Map<String, String> notes = new LinkedHashMap<>();
        String route = null, type = null, dev = null;
        if (Command.which("ip") == null) {
            notes.put("route", "iproute2 (ip) is not installed");
        } else {
            Command c = Command.run(5_000, "ip", "route", "get", "127.0.0.1");
            if (c.ok()) {
                route = c.stdout().strip().replaceAll("\\s+", " ");
                String[] f = route.split(" ");
                type = f.length > 0 && !f[0].matches("\\d.*") ? f[0] : "unicast";
                for (int i = 0; i + 1 < f.length; i++) if (f[i].equals("dev")) dev = f[i + 1];
            } else {
                notes.put("route", "ip route get 127.0.0.1 failed: " + Command.firstLine(c.stderr()));
            }
        }
        Integer mtu = null;
        try {
            mtu = Integer.parseInt(
                    Files.readString(Path.of("/sys/class/net/lo/mtu")).trim());
        } catch (IOException | NumberFormatException e) {
            notes.put("mtu", "cannot read /sys/class/net/lo/mtu: " + e.getMessage());
        }
        int mss;
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress())) {
            mss = c.getInt(Net.IPPROTO_TCP, Net.TCP_MAXSEG);
        }
        Map<String, String> features = new LinkedHashMap<>();
        if (Command.which("ethtool") == null) {
            notes.put("features", "ethtool is not installed (apt-get install ethtool)");
        } else {
            Command c = Command.run(5_000, "ethtool", "-k", "lo");
            if (c.ok()) features.putAll(parseFeatures(c.stdout()));
            else notes.put("features", "ethtool -k lo failed: " + Command.firstLine(c.stderr()));
        }
        return new LoopbackFacts(route, type, dev, mtu, mss, features, notes);
    }

    /** "tx-checksumming: on" / "\ttx-checksum-ipv4: off [fixed]" → name → "on", "off [fixed]". */
    static Map<String, String> parseFeatures(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : text.lines().toList()) {
            int colon = l.indexOf(':');
            if (colon <= 0 || l.startsWith("Features for")) continue;
            out.put(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
        }
        return out;
    }
}

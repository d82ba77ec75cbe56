package lab.loopback.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import lab.loopback.sys.ProcFiles;

/** Reads the {@link HostFingerprint} from /proc, /sys and the tools' own version output. Never throws for a missing file. */
public final class HostProbe {
    /** The reference tools whose versions a fingerprint records, with the flag that prints the version. */
    static final Map<String, List<String>> TOOLS = toolVersionCommands();

    private final Path root;

    /** {@code root} is "/" on a live host; tests point it at a fake tree. */
    public HostProbe(Path root) {
        this.root = root;
    }

    public static HostFingerprint probe() {
        return new HostProbe(Path.of("/")).fingerprint();
    }

    private static Map<String, List<String>> toolVersionCommands() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("iperf3", List.of("iperf3", "--version"));
        m.put("sockperf", List.of("sockperf", "--version"));
        m.put("strace", List.of("strace", "-V"));
        m.put("ip", List.of("ip", "-V"));
        m.put("nft", List.of("nft", "--version"));
        return m;
    }

    public HostFingerprint fingerprint() {
        String release = read("proc/sys/kernel/osrelease").orElse(System.getProperty("os.version"));
        String version = read("proc/sys/kernel/version").orElse("unknown");
        String cpuinfo = read("proc/cpuinfo").orElse("");
        String model = cpuinfoField(cpuinfo, "model name").orElse(System.getProperty("os.arch"));
        int cpus = (int) cpuinfo.lines().filter(l -> l.startsWith("processor")).count();
        if (cpus == 0) cpus = Runtime.getRuntime().availableProcessors();
        CpuCaches.Found caches = CpuCaches.find(root.resolve(Path.of("/").relativize(CpuCaches.SYSFS)), isLiveRoot());
        long mem = memTotal();
        String virt = virtualization(cpuinfo);
        String cc = read("proc/sys/net/ipv4/tcp_congestion_control").orElse("unknown");
        Integer uring = read("proc/sys/kernel/io_uring_disabled")
                .map(s -> Integer.parseInt(s.trim()))
                .orElse(null);
        boolean isRoot = isLiveRoot() && Libc.geteuid() == 0;
        Map<String, String> tools = new LinkedHashMap<>();
        for (var e : TOOLS.entrySet()) tools.put(e.getKey(), toolVersion(e.getValue()));
        Guest guest = isLiveRoot() ? guest() : null;
        String id = hostId(model, cpus, mem, release, guest == null ? virt : virt + "/" + guest.accelerator());
        return new HostFingerprint(
                id,
                release,
                version,
                model,
                cpus,
                cacheBytes(caches),
                caches.source(),
                mem,
                virt,
                cc,
                uring,
                isRoot,
                tracefs(isRoot),
                tools,
                Runtime.version().toString(),
                guest);
    }

    /** Set inside a guest of {@code ./lab run --kernel}: the file saying how the guest runs (a {@link Guest} as JSON). */
    public static final String GUEST_ENV = "LAB_GUEST";

    private static Guest guest() {
        String file = System.getenv(GUEST_ENV);
        if (file == null || file.isBlank()) return null;
        try {
            return new ObjectMapper().readValue(Path.of(file).toFile(), Guest.class);
        } catch (IOException e) {
            throw new IllegalStateException(
                    GUEST_ENV + "=" + file + " is not a readable guest description: " + e.getMessage());
        }
    }

    private boolean isLiveRoot() {
        return root.equals(Path.of("/"));
    }

    static String hostId(String model, int cpus, long mem, String release, String virt) {
        String slug = model.toLowerCase(Locale.ROOT)
                .replaceAll("\\(r\\)|\\(tm\\)|cpu|processor|@.*", " ")
                .trim()
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        if (slug.length() > 24) slug = slug.substring(0, 24).replaceAll("-$", "");
        String kernel = release.replaceAll("^(\\d+\\.\\d+).*", "$1");
        String digest = sha256(model + "|" + cpus + "|" + (mem >> 30) + "|" + release + "|" + virt)
                .substring(0, 6);
        return slug + "-" + cpus + "c-linux" + kernel + "-" + digest;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cache sizes keyed L1d, L2, L3, as the experiments see them (sysfs, else sysconf on the live host). */
    private static Map<String, Long> cacheBytes(CpuCaches.Found found) {
        Map<String, Long> out = new TreeMap<>();
        for (CpuCaches.Cache c : found.caches())
            out.put("L" + c.level() + (c.type().equals("Data") ? "d" : ""), c.bytes());
        return out;
    }

    private long memTotal() {
        return read("proc/meminfo")
                .flatMap(m -> m.lines().filter(l -> l.startsWith("MemTotal:")).findFirst())
                .map(l -> Long.parseLong(l.replaceAll("\\D+", "")) * 1024)
                .orElse(0L);
    }

    private String virtualization(String cpuinfo) {
        Optional<String> vendor = read("sys/class/dmi/id/sys_vendor").map(String::trim);
        Optional<String> product = read("sys/class/dmi/id/product_name").map(String::trim);
        boolean hypervisorFlag = cpuinfoField(cpuinfo, "flags")
                .map(f -> (" " + f + " ").contains(" hypervisor "))
                .orElse(false);
        if (!hypervisorFlag) return vendor.isPresent() ? "none (" + vendor.get() + ")" : "none detected";
        String what = vendor.orElse("") + " " + product.orElse("");
        return "vm" + (what.isBlank() ? "" : " (" + what.trim() + ")");
    }

    private String tracefs(boolean isRoot) {
        for (Path p : Tracefs.CANDIDATES) {
            if (Files.exists(root.resolve(Path.of("/").relativize(p)).resolve("trace"))) return "mounted at " + p;
        }
        boolean known = read("proc/filesystems").map(f -> f.contains("tracefs")).orElse(false);
        if (!known) return "unavailable: kernel has no tracefs";
        return isRoot ? "mountable (root; not mounted yet)" : "unavailable: not mounted and not root";
    }

    private static String toolVersion(List<String> argv) {
        if (Command.which(argv.getFirst()) == null) return null;
        Command c = Command.run(argv, 5_000);
        String line = Command.firstLine(c.stdout().isBlank() ? c.stderr() : c.stdout());
        return line == null ? "present (version unknown)" : line;
    }

    private static Optional<String> cpuinfoField(String cpuinfo, String field) {
        return cpuinfo.lines()
                .filter(l -> l.startsWith(field))
                .findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim());
    }

    private Optional<String> read(String relative) {
        return readAbs(root.resolve(relative)).map(String::trim);
    }

    private static Optional<String> readAbs(Path p) {
        try {
            return Optional.of(ProcFiles.read(p));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}

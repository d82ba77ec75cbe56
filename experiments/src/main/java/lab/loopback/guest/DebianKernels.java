package lab.loopback.guest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.kernel.Releases;

/**
 * The kernels a guest can boot: Debian's {@code linux-image-*-cloud-amd64} packages (the smallest flavour, made to
 * boot in a virtual machine), one line per kernel series, each looked up in the suites that carry it, newest first
 * (security updates before the point release). The packages are read from Debian's own index (Packages.xz), so the
 * host needs neither apt nor a Debian release of its own.
 */
public final class DebianKernels {
    /** A place in Debian's archive: its base URL and a suite in it. */
    public record Suite(String archive, String name) {
        /** The suite's package index of main for amd64. */
        public String index() {
            return archive + "/dists/" + name + "/main/binary-amd64/Packages.xz";
        }
    }

    /** A kernel series (5.10) and the suites to look for it in, preferred first. */
    public record Line(String series, List<Suite> suites) {}

    static final String DEBIAN = "http://deb.debian.org/debian", SECURITY = "http://deb.debian.org/debian-security";

    /** The series a guest can boot; Debian serves no older suites (buster's 4.19 is gone from its mirrors). */
    public static final List<Line> LINES = List.of(
            new Line("5.10", List.of(new Suite(SECURITY, "bullseye-security"), new Suite(DEBIAN, "bullseye"))),
            new Line("6.1", List.of(new Suite(SECURITY, "bookworm-security"), new Suite(DEBIAN, "bookworm"))),
            new Line("6.12", List.of(new Suite(SECURITY, "bookworm-security"), new Suite(DEBIAN, "bookworm"))));

    /** One kernel package as the index lists it. */
    public record Package(
            String series, String name, String version, String filename, String sha256, long size, String archive) {
        /** The kernel release it installs (its /lib/modules directory, uname -r inside the guest). */
        public String release() {
            return name.replaceFirst("^linux-image-", "").replaceFirst("-unsigned$", "");
        }

        public String url() {
            return archive + "/" + filename;
        }

        public String describe() {
            return name + " " + version;
        }
    }

    /**
     * linux-image-5.10.0-46-cloud-amd64, linux-image-6.1.0-57-cloud-amd64-unsigned, linux-image-6.12.57+deb12-cloud-amd64;
     * not a backport into an older suite (6.1.0-0.deb11.52) and not the -dbg symbols.
     */
    private static final Pattern NAME =
            Pattern.compile("linux-image-(\\d+\\.\\d+)(?:\\.\\d+)?(?:-\\d+|\\+deb\\d+)-cloud-amd64(?:-unsigned)?");

    private DebianKernels() {}

    /** The line of {@code series}, or an error naming it and the series there are. */
    public static Line line(String series) {
        return LINES.stream()
                .filter(l -> l.series().equals(series))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kernel '" + series + "' is not one a guest can boot;"
                        + " available: " + String.join(", ", series())));
    }

    public static List<String> series() {
        return LINES.stream().map(Line::series).toList();
    }

    /**
     * The cloud kernel packages in a Packages index ({@code in}, uncompressed), from {@code archive}. A stanza missing
     * a field a download needs is an error naming the package.
     */
    public static List<Package> parse(InputStream in, String archive) throws IOException {
        List<Package> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Map<String, String> stanza = new LinkedHashMap<>();
        for (String line = r.readLine(); ; line = r.readLine()) {
            if (line == null || line.isEmpty()) {
                kernel(stanza, archive).ifPresent(out::add);
                stanza.clear();
                if (line == null) break;
                continue;
            }
            if (line.startsWith(" ") || line.startsWith("\t")) continue; // a continued (description) line
            int colon = line.indexOf(':');
            if (colon > 0)
                stanza.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return out;
    }

    private static Optional<Package> kernel(Map<String, String> stanza, String archive) {
        String name = stanza.get("Package");
        if (name == null) return Optional.empty();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return Optional.empty();
        for (String field : List.of("Version", "Filename", "SHA256", "Size"))
            if (stanza.get(field) == null)
                throw new IllegalStateException("Debian's index lists " + name + " without " + field);
        return Optional.of(new Package(
                m.group(1),
                name,
                stanza.get("Version"),
                stanza.get("Filename"),
                stanza.get("SHA256"),
                Long.parseLong(stanza.get("Size")),
                archive));
    }

    /**
     * The packages of {@code series} among {@code found} (the suites' packages, preferred suite first), newest Debian
     * version first; of a signed and an unsigned build of one release (the same kernel: QEMU does not check the
     * signature), the first found first. A mirror may list a package its pool no longer serves: the next is the fallback.
     */
    public static List<Package> candidates(String series, List<Package> found) {
        return found.stream()
                .filter(p -> p.series().equals(series))
                .sorted(Comparator.comparing(Package::version, Releases::compare)
                        .reversed()
                        .thenComparing(found::indexOf))
                .toList();
    }
}

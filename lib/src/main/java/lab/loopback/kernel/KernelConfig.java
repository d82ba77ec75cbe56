package lab.loopback.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import lab.loopback.sys.ProcFiles;

/**
 * The running kernel's build configuration, from /proc/config.gz (CONFIG_IKCONFIG_PROC) or /boot/config-RELEASE: why a
 * qdisc, a transform or a device type the workbench asks for is missing, in the kernel's own terms.
 */
public final class KernelConfig {
    private final Map<String, String> options;
    private final String source;

    private KernelConfig(Map<String, String> options, String source) {
        this.options = options;
        this.source = source;
    }

    /** The running kernel's configuration; an empty one (source null) when neither file is readable. */
    public static KernelConfig live() {
        Path proc = Path.of("/proc/config.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(proc))) {
            return parse(in, proc.toString());
        } catch (IOException | RuntimeException e) {
            // fall back on the distribution's copy
        }
        try {
            Path boot = Path.of(
                    "/boot",
                    "config-"
                            + ProcFiles.read(Path.of("/proc/sys/kernel/osrelease"))
                                    .trim());
            try (InputStream in = Files.newInputStream(boot)) {
                return parse(in, boot.toString());
            }
        } catch (IOException | RuntimeException e) {
            return new KernelConfig(Map.of(), null);
        }
    }

    /** A config file's text: "CONFIG_X=y" lines, and "# CONFIG_X is not set" ones. */
    static KernelConfig parse(InputStream in, String source) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("CONFIG_") && line.contains("=")) {
                    out.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                    out.put(line.substring(2, line.length() - " is not set".length()), "not set");
                }
            }
        }
        return new KernelConfig(out, source);
    }

    /** "CONFIG_NET_VRF is not set (/proc/config.gz)", "CONFIG_NET_SCH_FQ=m (...)", or null when it cannot be told. */
    public String describe(String option) {
        if (source == null) return null;
        String v = options.get(option);
        if (v == null) return option + " does not appear in " + source;
        return (v.equals("not set") ? option + " is not set" : option + "=" + v) + " (" + source + ")";
    }
}

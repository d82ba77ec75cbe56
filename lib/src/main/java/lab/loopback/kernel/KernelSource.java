package lab.loopback.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A kernel source tree the user points the workbench at (LAB_KERNEL_SRC or --kernel-src), read, never
 * built: which files the article names exist, and where a pattern occurs. A directory that is not a
 * kernel tree is an error naming it and what was expected.
 */
public final class KernelSource {
    private static final Pattern VERSION = Pattern.compile("(?m)^(VERSION|PATCHLEVEL|SUBLEVEL)\\s*=\\s*(\\d*)\\s*$");
    private final Path root;

    private KernelSource(Path root) {
        this.root = root;
    }

    public static KernelSource at(Path root) {
        if (!Files.isDirectory(root))
            throw new IllegalArgumentException("kernel source tree " + root + " is not a directory");
        if (!Files.isRegularFile(root.resolve("Makefile")) || !Files.isDirectory(root.resolve("net/ipv4"))) {
            throw new IllegalArgumentException(
                    root + " is not a Linux source tree: expected a top-level Makefile and net/ipv4/");
        }
        return new KernelSource(root);
    }

    public Path root() {
        return root;
    }

    /** "6.18.0" from the top Makefile's VERSION/PATCHLEVEL/SUBLEVEL, or "" when they are not there. */
    public String version() {
        try {
            Matcher m = VERSION.matcher(Files.readString(root.resolve("Makefile")));
            String[] v = new String[3];
            while (m.find()) {
                switch (m.group(1)) {
                    case "VERSION" -> v[0] = m.group(2);
                    case "PATCHLEVEL" -> v[1] = m.group(2);
                    default -> v[2] = m.group(2);
                }
            }
            return v[0] == null ? "" : v[0] + "." + v[1] + "." + (v[2] == null || v[2].isEmpty() ? "0" : v[2]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve("Makefile") + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String relative) {
        return Files.isRegularFile(root.resolve(relative));
    }

    /** A line of a source file that matched. */
    public record Hit(String file, int line, String text) {}

    /** Lines matching {@code regex} in the C files directly under {@code dir} whose names match {@code fileGlob}. */
    public List<Hit> grep(String dir, String fileGlob, String regex) {
        Pattern p = Pattern.compile(regex);
        List<Hit> out = new ArrayList<>();
        var matcher = root.getFileSystem().getPathMatcher("glob:" + fileGlob);
        try (Stream<Path> files = Files.list(root.resolve(dir))) {
            for (Path f :
                    files.filter(f -> matcher.matches(f.getFileName())).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                for (int i = 0; i < lines.size(); i++) {
                    if (p.matcher(lines.get(i)).find())
                        out.add(new Hit(
                                root.relativize(f).toString(),
                                i + 1,
                                lines.get(i).strip()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve(dir) + ": " + e.getMessage(), e);
        }
        return out;
    }
}

package lab.loopback.restricted;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import lab.loopback.measure.ChildJvm;
import lab.loopback.result.RunStore;

/**
 * {@code lab run} as its own process under a restriction (another uid, a mount namespace, a PATH, an
 * environment), the way a user meets it: exit code, stdout, stderr, and the run directory it left.
 */
final class LabProcess {
    record Finished(int exit, String out, String err, Path runDir) {
        /** verdicts.json of the finished run, claim → node. */
        Map<String, JsonNode> verdicts() {
            try {
                Map<String, JsonNode> m = new HashMap<>();
                for (JsonNode v :
                        RunStore.JSON.readTree(runDir.resolve("verdicts.json").toFile()))
                    m.put(v.get("claim").asText(), v);
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String verdict(String id) {
            return verdicts().get(id).get("verdict").asText();
        }

        String summary(String id) {
            return verdicts().get(id).get("summary").asText();
        }

        String describe() {
            return "exit " + exit + "\n--- stdout\n" + tail(out) + "\n--- stderr\n" + tail(err);
        }

        private static String tail(String s) {
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        }
    }

    private LabProcess() {}

    static final String LAB_CLI = "lab.loopback.cli.LabCli";

    /** The java command running {@code mainClass} (LabCli, or a launcher that restricts itself first) behind {@code prefix}. */
    static List<String> command(List<String> prefix, String classpath, String mainClass, List<String> labArgs) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                ChildJvm.AGRONA_OPENS,
                "-Djava.awt.headless=true",
                "-cp",
                classpath,
                mainClass));
        cmd.addAll(labArgs);
        return cmd;
    }

    static Process start(
            List<String> prefix,
            String classpath,
            Map<String, String> env,
            List<String> labArgs,
            Path stdout,
            Path stderr) {
        return start(prefix, classpath, LAB_CLI, env, labArgs, stdout, stderr);
    }

    static Process start(
            List<String> prefix,
            String classpath,
            String mainClass,
            Map<String, String> env,
            List<String> labArgs,
            Path stdout,
            Path stderr) {
        ProcessBuilder pb = new ProcessBuilder(command(prefix, classpath, mainClass, labArgs))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end (at most 10 minutes); the run directory is OUT/latest when the run finished. */
    static Finished run(List<String> prefix, String classpath, Map<String, String> env, Path out, String... labArgs) {
        return run(prefix, classpath, LAB_CLI, env, out, labArgs);
    }

    static Finished run(
            List<String> prefix,
            String classpath,
            String mainClass,
            Map<String, String> env,
            Path out,
            String... labArgs) {
        try {
            Path so = Files.createTempFile("llab-test-", ".out"), se = Files.createTempFile("llab-test-", ".err");
            List<String> args = new ArrayList<>(List.of(labArgs));
            Process p = start(prefix, classpath, mainClass, env, args, so, se);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("lab run did not end within 10 minutes: " + String.join(" ", args));
            }
            Finished f = new Finished(
                    p.exitValue(),
                    Files.readString(so),
                    Files.readString(se),
                    Files.exists(out.resolve("latest")) ? out.resolve("latest").toRealPath() : null);
            Files.deleteIfExists(so);
            Files.deleteIfExists(se);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** This JVM's effective class path: surefire's manifest-only booter jar expanded into the entries it names. */
    static List<Path> classpathEntries() {
        LinkedHashSet<Path> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isBlank()) continue;
            Path p = Path.of(e).toAbsolutePath();
            entries.add(p);
            if (!p.toString().endsWith(".jar") || !Files.isRegularFile(p)) continue;
            try (JarFile jar = new JarFile(p.toFile())) {
                Manifest mf = jar.getManifest();
                String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
                if (cp == null) continue;
                for (String ref : cp.trim().split("\\s+")) {
                    Path r = Path.of(p.getParent().toUri().resolve(ref));
                    if (Files.exists(r)) entries.add(r);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return List.copyOf(entries);
    }

    static String classpath() {
        return String.join(":", classpathEntries().stream().map(Path::toString).toList());
    }

    /**
     * The class path copied into {@code dir} with world-readable permissions, for a process of another uid
     * (Maven's repository under /root is not readable by it).
     */
    static String worldReadableClasspath(Path dir) {
        List<String> out = new ArrayList<>();
        int n = 0;
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (Path e : classpathEntries()) {
                Path target = dir.resolve((n++) + "-" + e.getFileName());
                if (Files.isDirectory(e)) copyTree(e, target);
                else if (Files.isRegularFile(e) && !hasOnlyClassPath(e)) Files.copy(e, target);
                else continue;
                out.add(target.toString());
            }
            try (var s = Files.walk(dir)) {
                for (Path p : s.toList())
                    Files.setPosixFilePermissions(
                            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(":", out);
    }

    /** surefire's booter jar: a manifest and nothing else, its entries are already in the list. */
    private static boolean hasOnlyClassPath(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().noneMatch(e -> e.getName().endsWith(".class"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}

package lab.loopback.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import lab.loopback.kernel.Releases;
import lab.loopback.result.AtomicFiles;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Debian's kernel packages, fetched once into a bounded cache ({@code .lab/kernels/}): for each kernel its vmlinuz,
 * config and module tree, unpacked from the .deb in Java (no dpkg needed), checked against the index's SHA-256 first.
 * A kernel appears in the cache only whole (unpacked beside it, then renamed); the least recently used kernels are
 * removed when the cache grows past its bound. The suites' indexes are kept a day.
 */
public final class KernelCache {
    /** One unpacked kernel: where its parts are, where it came from, when a guest last booted it. */
    public record Cached(DebianKernels.Package pkg, String fetchedAt, String usedAt, long bytes) {}

    public static final long DEFAULT_BOUND = 2L << 30;
    static final Duration INDEX_AGE = Duration.ofDays(1);
    private static final String META = "kernel.json";

    private final Path root;
    private final long bound;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    public KernelCache(Path root, long bound) {
        this.root = root;
        this.bound = bound;
    }

    public Path root() {
        return root;
    }

    public Path dir(String release) {
        return root.resolve(release);
    }

    public Path vmlinuz(String release) {
        return dir(release).resolve("vmlinuz");
    }

    /** The module tree of {@code release} (what /lib/modules/RELEASE holds in the guest). */
    public Path modules(String release) {
        return dir(release).resolve("modules");
    }

    /** The kernels in the cache, newest series first. */
    public List<Cached> cached() {
        if (!Files.isDirectory(root)) return List.of();
        List<Cached> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(d -> Files.isRegularFile(d.resolve(META))).toList())
                out.add(json.readValue(d.resolve(META).toFile(), Cached.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel cache " + root + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((Cached c) -> c.pkg().series(), Releases::compare)
                .reversed());
        return out;
    }

    /** The cached kernel of {@code series}, if any. */
    public Cached cachedSeries(String series) {
        return cached().stream()
                .filter(c -> c.pkg().series().equals(series))
                .findFirst()
                .orElse(null);
    }

    /** The newest package of {@code series} that Debian lists now (the indexes at most a day old). */
    public DebianKernels.Package available(String series, Consumer<String> progress) {
        return candidates(series, progress).getFirst();
    }

    /** The packages of {@code series} Debian lists now, newest first. */
    List<DebianKernels.Package> candidates(String series, Consumer<String> progress) {
        DebianKernels.Line line = DebianKernels.line(series);
        List<DebianKernels.Package> found = new ArrayList<>();
        for (DebianKernels.Suite s : line.suites()) found.addAll(index(s, progress));
        List<DebianKernels.Package> c = DebianKernels.candidates(series, found);
        if (c.isEmpty())
            throw new IllegalStateException("Debian's "
                    + line.suites().stream().map(DebianKernels.Suite::name).toList() + " list no cloud kernel of "
                    + series);
        return c;
    }

    /**
     * The kernel of {@code series}: the cached one, else the newest Debian serves, fetched now (a package the index
     * lists but the mirror's pool does not hold is passed over for the next, said in the progress), and the cache
     * trimmed to its bound.
     */
    public Cached kernel(String series, Consumer<String> progress) {
        DebianKernels.line(series);
        Cached c = cachedSeries(series);
        if (c == null) c = fetchFirstServed(candidates(series, progress), progress);
        Cached used = new Cached(c.pkg(), c.fetchedAt(), Instant.now().toString(), c.bytes());
        writeMeta(dir(c.pkg().release()), used);
        trim(c.pkg().release(), progress);
        return used;
    }

    /** The first of {@code candidates} the mirror serves, fetched; an error naming them all when it serves none. */
    Cached fetchFirstServed(List<DebianKernels.Package> candidates, Consumer<String> progress) {
        List<String> notServed = new ArrayList<>();
        for (DebianKernels.Package p : candidates) {
            try {
                return fetch(p, progress);
            } catch (NotServedException e) {
                notServed.add(p.describe());
                progress.accept(p.describe() + " is listed in Debian's index, but " + e.getMessage()
                        + "; trying the next build");
            }
        }
        throw new IllegalStateException("the mirror serves none of the kernels its index lists: " + notServed);
    }

    /** A package the index lists and the mirror's pool does not hold (HTTP 404): the next candidate may be there. */
    static final class NotServedException extends UncheckedIOException {
        @Serial
        private static final long serialVersionUID = 1L;

        NotServedException(String message) {
            super(message, new IOException(message));
        }
    }

    /** Empties the cache; returns how many bytes it held. */
    public long clean() {
        long bytes = Files.exists(root) ? size(root) : 0;
        AtomicFiles.deleteTree(root);
        return bytes;
    }

    private List<DebianKernels.Package> index(DebianKernels.Suite s, Consumer<String> progress) {
        Path file = root.resolve("index")
                .resolve(s.name() + "-" + Integer.toHexString(s.archive().hashCode()) + ".json");
        try {
            if (Files.isRegularFile(file)
                    && Files.getLastModifiedTime(file)
                            .toInstant()
                            .isAfter(Instant.now().minus(INDEX_AGE)))
                return List.of(json.readValue(file.toFile(), DebianKernels.Package[].class));
            progress.accept("reading Debian's index " + s.index());
            List<DebianKernels.Package> found;
            try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(get(s.index())))) {
                found = DebianKernels.parse(in, s.archive());
            }
            Files.createDirectories(file.getParent());
            AtomicFiles.writeString(file, json.writeValueAsString(found));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Debian's index " + s.index() + ": " + e.getMessage(), e);
        }
    }

    private InputStream get(String url) throws IOException {
        try {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofMinutes(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 404) {
                r.body().close();
                throw new NotServedException(url + " is not served (HTTP 404)");
            }
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("HTTP " + r.statusCode() + " for " + url);
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url);
        }
    }

    /** Downloads {@code p}, checks its size and SHA-256, unpacks vmlinuz, config and modules, then renames it in. */
    Cached fetch(DebianKernels.Package p, Consumer<String> progress) {
        Path target = dir(p.release());
        Path part = root.resolve(p.release() + ".part");
        AtomicFiles.deleteTree(part);
        try {
            Files.createDirectories(part);
            Path deb = part.resolve("package.deb");
            progress.accept("fetching " + p.describe() + " (" + (p.size() >> 20) + " MiB) from " + p.url());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(get(p.url()), sha)) {
                Files.copy(in, deb);
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (Files.size(deb) != p.size() || !got.equalsIgnoreCase(p.sha256()))
                throw new IOException(p.url() + " is not the package Debian's index lists (" + Files.size(deb)
                        + " bytes, sha256 " + got + "; the index says " + p.size() + " bytes, " + p.sha256() + ")");
            unpack(deb, part, p.release());
            Files.delete(deb);
            if (!Files.isRegularFile(part.resolve("vmlinuz")))
                throw new IOException(p.describe() + " holds no boot/vmlinuz-" + p.release());
            Cached c = new Cached(p, Instant.now().toString(), Instant.now().toString(), size(part));
            writeMeta(part, c);
            AtomicFiles.deleteTree(target);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept("cached " + p.describe() + " in " + target + " (" + (c.bytes() >> 20) + " MiB)");
            return c;
        } catch (IOException e) {
            AtomicFiles.deleteTree(part);
            throw new UncheckedIOException("cannot fetch " + p.describe() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            AtomicFiles.deleteTree(part);
            throw e;
        }
    }

    /** From the .deb's data.tar.xz: boot/vmlinuz-R and boot/config-R, and lib/modules/R (or usr/lib/modules/R). */
    static void unpack(Path deb, Path into, String release) throws IOException {
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
            for (ArArchiveEntry e = ar.getNextEntry(); e != null; e = ar.getNextEntry()) {
                if (!e.getName().startsWith("data.tar")) continue;
                if (!e.getName().equals("data.tar.xz"))
                    throw new IOException("the package's data is " + e.getName() + "; only data.tar.xz is read");
                try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(ar))) {
                    for (TarArchiveEntry t = tar.getNextEntry(); t != null; t = tar.getNextEntry()) {
                        Path to = target(t.getName(), release, into);
                        // symbolic links (modules/R/build → the headers) point outside what a guest gets
                        if (to == null || t.isSymbolicLink() || t.isLink()) continue;
                        if (t.isDirectory()) Files.createDirectories(to);
                        else if (t.isFile()) {
                            Files.createDirectories(to.getParent());
                            Files.copy(tar, to);
                        }
                    }
                }
                return;
            }
        }
        throw new IOException(deb + " has no data.tar member");
    }

    private static Path target(String name, String release, Path into) {
        String n = name.replaceFirst("^\\./", "");
        if (n.equals("boot/vmlinuz-" + release)) return into.resolve("vmlinuz");
        if (n.equals("boot/config-" + release)) return into.resolve("config");
        for (String prefix : List.of("lib/modules/" + release + "/", "usr/lib/modules/" + release + "/")) {
            if (!n.startsWith(prefix)) continue;
            Path rest = Path.of(n.substring(prefix.length())).normalize();
            if (rest.toString().isEmpty() || rest.startsWith("..")) return null;
            return into.resolve("modules").resolve(rest);
        }
        return null;
    }

    private void trim(String keep, Consumer<String> progress) {
        List<Cached> all = new ArrayList<>(cached());
        all.sort(Comparator.comparing(Cached::usedAt));
        long total = all.stream().mapToLong(Cached::bytes).sum();
        for (Cached c : all) {
            if (total <= bound) break;
            if (c.pkg().release().equals(keep)) continue;
            AtomicFiles.deleteTree(dir(c.pkg().release()));
            total -= c.bytes();
            progress.accept("removed " + c.pkg().describe() + " from the cache (bound " + (bound >> 20) + " MiB)");
        }
    }

    private void writeMeta(Path dir, Cached c) {
        try {
            AtomicFiles.writeString(dir.resolve(META), json.writeValueAsString(c));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package lab.loopback.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache against a .deb made here and served from 127.0.0.1: what is unpacked, what is refused, what is left. */
class KernelCacheTest {
    private static final String RELEASE = "6.1.0-99-cloud-amd64";

    @TempDir
    Path tmp;

    private HttpServer server;
    private byte[] deb;

    @BeforeEach
    void serve() throws Exception {
        deb = deb();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/pool/k.deb", x -> {
            x.sendResponseHeaders(200, deb.length);
            x.getResponseBody().write(deb);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private DebianKernels.Package pkg(String sha256, long size) {
        return new DebianKernels.Package(
                "6.1",
                "linux-image-" + RELEASE + "-unsigned",
                "6.1.999-1",
                "pool/k.deb",
                sha256,
                size,
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aCheckedPackageIsUnpackedToItsKernelConfigAndModulesAndNothingElse() throws Exception {
        KernelCache cache = new KernelCache(tmp.resolve("kernels"), KernelCache.DEFAULT_BOUND);
        KernelCache.Cached c = cache.fetch(pkg(sha256(deb), deb.length), m -> {});
        assertEquals(RELEASE, c.pkg().release());
        assertEquals("bzImage", Files.readString(cache.vmlinuz(RELEASE)));
        assertEquals("CONFIG_IO_URING=y\n", Files.readString(cache.dir(RELEASE).resolve("config")));
        assertEquals("tls", Files.readString(cache.modules(RELEASE).resolve("kernel/net/tls/tls.ko")));
        assertFalse(
                Files.exists(cache.modules(RELEASE).resolve("build"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "the link to the headers points outside what a guest gets");
        assertFalse(Files.exists(cache.dir(RELEASE).resolve("package.deb")), "the .deb is not kept");
        assertEquals(
                List.of(RELEASE),
                cache.cached().stream().map(k -> k.pkg().release()).toList());
        assertEquals(RELEASE, cache.cachedSeries("6.1").pkg().release());
        assertTrue(cache.clean() > 0);
        assertFalse(Files.exists(cache.root()));
    }

    @Test
    void aPackageThatIsNotTheIndexedOneIsRefusedAndNothingIsLeft() {
        KernelCache cache = new KernelCache(tmp.resolve("kernels"), KernelCache.DEFAULT_BOUND);
        var e = assertThrows(UncheckedIOException.class, () -> cache.fetch(pkg("00".repeat(32), deb.length), m -> {}));
        assertTrue(e.getMessage().contains("is not the package Debian's index lists"), e.getMessage());
        assertTrue(e.getMessage().contains("sha256 " + sha256(deb)), e.getMessage());
        assertEquals(List.of(), cache.cached());
        assertFalse(Files.exists(cache.dir(RELEASE)));
        assertFalse(Files.exists(cache.root().resolve(RELEASE + ".part")), "nothing half-written is left");
    }

    @Test
    void aListedPackageTheMirrorDoesNotServeIsPassedOverForTheNext() {
        KernelCache cache = new KernelCache(tmp.resolve("kernels"), KernelCache.DEFAULT_BOUND);
        DebianKernels.Package gone = new DebianKernels.Package(
                "6.1",
                "linux-image-6.1.0-100-cloud-amd64",
                "6.1.1000-1",
                "pool/gone.deb",
                "00",
                1,
                pkg("", 0).archive());
        List<String> said = new ArrayList<>();
        KernelCache.Cached c = cache.fetchFirstServed(List.of(gone, pkg(sha256(deb), deb.length)), said::add);
        assertEquals(RELEASE, c.pkg().release());
        assertTrue(
                said.stream()
                        .anyMatch(s -> s.startsWith("linux-image-6.1.0-100-cloud-amd64 6.1.1000-1 is listed in"
                                        + " Debian's index, but http://127.0.0.1:")
                                && s.endsWith("pool/gone.deb is not served (HTTP 404);" + " trying the next build")),
                said.toString());
        assertFalse(Files.exists(cache.root().resolve("6.1.0-100-cloud-amd64.part")));
        var none = assertThrows(IllegalStateException.class, () -> cache.fetchFirstServed(List.of(gone), m -> {}));
        assertEquals(
                "the mirror serves none of the kernels its index lists: [linux-image-6.1.0-100-cloud-amd64 6.1.1000-1]",
                none.getMessage());
    }

    @Test
    void theLeastRecentlyUsedKernelsGoWhenTheCacheOutgrowsItsBound() throws Exception {
        KernelCache big = new KernelCache(tmp.resolve("kernels"), KernelCache.DEFAULT_BOUND);
        big.fetch(pkg(sha256(deb), deb.length), m -> {});
        // a second kernel, copied under another release, used earlier than the first
        Path other = big.dir("5.10.0-99-cloud-amd64");
        Files.createDirectories(other);
        Files.writeString(
                other.resolve("kernel.json"),
                Files.readString(big.dir(RELEASE).resolve("kernel.json"))
                        .replace(RELEASE, "5.10.0-99-cloud-amd64")
                        .replace("\"6.1\"", "\"5.10\"")
                        .replaceAll("\"usedAt\" : \"[^\"]*\"", "\"usedAt\" : \"2000-01-01T00:00:00Z\""));
        List<String> said = new ArrayList<>();
        new KernelCache(tmp.resolve("kernels"), 1).kernel("6.1", said::add);
        assertFalse(Files.exists(other), "the older kernel went");
        assertTrue(Files.exists(big.vmlinuz(RELEASE)), "the kernel just used stays, bound or not");
        assertTrue(said.stream().anyMatch(s -> s.startsWith("removed linux-image-5.10.0-99")), said.toString());
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A kernel .deb as Debian builds one: debian-binary, control.tar.xz, data.tar.xz. */
    private static byte[] deb() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(data))) {
            dir(tar, "./boot/");
            file(tar, "./boot/vmlinuz-" + RELEASE, "bzImage");
            file(tar, "./boot/config-" + RELEASE, "CONFIG_IO_URING=y\n");
            file(tar, "./boot/System.map-" + RELEASE, "ffffffff81000000 T _stext\n");
            dir(tar, "./lib/modules/" + RELEASE + "/kernel/net/tls/");
            file(tar, "./lib/modules/" + RELEASE + "/kernel/net/tls/tls.ko", "tls");
            TarArchiveEntry link =
                    new TarArchiveEntry("./lib/modules/" + RELEASE + "/build", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/usr/src/linux-headers-" + RELEASE);
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            file(tar, "./usr/share/doc/linux-image/changelog.gz", "not for a guest");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
            member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
            member(ar, "control.tar.xz", new byte[] {0});
            member(ar, "data.tar.xz", data.toByteArray());
        }
        return out.toByteArray();
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(new TarArchiveEntry(name));
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    private static void member(ArArchiveOutputStream ar, String name, byte[] b) throws IOException {
        ar.putArchiveEntry(new ArArchiveEntry(name, b.length));
        ar.write(b);
        ar.closeArchiveEntry();
    }
}

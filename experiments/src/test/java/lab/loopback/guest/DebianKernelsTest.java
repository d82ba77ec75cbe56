package lab.loopback.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import lab.loopback.kernel.Releases;
import org.junit.jupiter.api.Test;

class DebianKernelsTest {
    /** Stanzas as Debian's indexes have them: the -dbg symbols, a backport into an older suite, signed and unsigned. */
    private static final String INDEX = """
            Package: linux-image-6.1.0-50-cloud-amd64-unsigned
            Source: linux
            Version: 6.1.176-1
            Description: Linux 6.1 for x86-64 cloud
             The Linux kernel 6.1 and modules for use on x86-64 cloud instances.
             Package: not-a-field (a continued description line)
            Filename: pool/main/l/linux/linux-image-6.1.0-50-cloud-amd64-unsigned_6.1.176-1_amd64.deb
            Size: 26000000
            SHA256: aa

            Package: linux-image-6.1.0-57-cloud-amd64-unsigned
            Version: 6.1.192-3
            Filename: pool/updates/main/l/linux/linux-image-6.1.0-57-cloud-amd64-unsigned_6.1.192-3_amd64.deb
            Size: 26715828
            SHA256: bb

            Package: linux-image-6.1.0-57-cloud-amd64
            Version: 6.1.192-3
            Filename: pool/updates/main/l/linux-signed-amd64/linux-image-6.1.0-57-cloud-amd64_6.1.192-3_amd64.deb
            Size: 26715900
            SHA256: cc

            Package: linux-image-6.1.0-57-cloud-amd64-dbg
            Version: 6.1.192-3
            Filename: pool/dbg.deb
            Size: 1
            SHA256: dd

            Package: linux-image-6.1.0-0.deb11.52-cloud-amd64
            Version: 6.1.158-1~deb11u1
            Filename: pool/backport.deb
            Size: 1
            SHA256: ee

            Package: linux-image-6.12.118+deb12-cloud-amd64-unsigned
            Version: 6.12.118-1~deb12u1
            Filename: pool/612.deb
            Size: 1
            SHA256: ff

            Package: linux-image-cloud-amd64
            Version: 6.1.192-3
            Filename: pool/meta.deb
            Size: 1
            SHA256: 00
            """;

    private static List<DebianKernels.Package> parse() throws IOException {
        return DebianKernels.parse(
                new ByteArrayInputStream(INDEX.getBytes(StandardCharsets.UTF_8)), "http://mirror/debian");
    }

    @Test
    void onlyTheCloudKernelsOfTheirOwnSuiteAreRead() throws IOException {
        List<String> names = parse().stream().map(DebianKernels.Package::name).toList();
        assertEquals(
                List.of(
                        "linux-image-6.1.0-50-cloud-amd64-unsigned",
                        "linux-image-6.1.0-57-cloud-amd64-unsigned",
                        "linux-image-6.1.0-57-cloud-amd64",
                        "linux-image-6.12.118+deb12-cloud-amd64-unsigned"),
                names,
                "no -dbg symbols, no backport of 6.1 into bullseye, no meta-package");
        DebianKernels.Package p = parse().get(1);
        assertEquals("6.1", p.series());
        assertEquals("6.1.0-57-cloud-amd64", p.release());
        assertEquals(
                "http://mirror/debian/pool/updates/main/l/linux/linux-image-6.1.0-57-cloud-amd64-unsigned_6.1.192-3_amd64.deb",
                p.url());
        assertEquals(26715828, p.size());
        assertEquals("6.12.118+deb12-cloud-amd64", parse().get(3).release());
    }

    @Test
    void theNewestBuildOfASeriesIsChosenAndTheFirstFoundOfTwoEqualOnes() throws IOException {
        assertEquals(
                "linux-image-6.1.0-57-cloud-amd64-unsigned",
                DebianKernels.candidates("6.1", parse()).getFirst().name());
        assertEquals(
                "6.12.118-1~deb12u1",
                DebianKernels.candidates("6.12", parse()).getFirst().version());
        assertTrue(DebianKernels.candidates("5.10", parse()).isEmpty());
        assertTrue(Releases.compare("6.1.192-3", "6.1.176-1") > 0);
        assertTrue(Releases.compare("6.12.57-1~deb12u1", "6.12.118-1~deb12u1") < 0);
        assertTrue(Releases.compare("5.10.262-1", "5.10.262-1") == 0);
    }

    @Test
    void aSeriesNoGuestCanBootIsNamedWithTheOnesThereAre() {
        var e = assertThrows(IllegalArgumentException.class, () -> DebianKernels.line("4.19"));
        assertEquals("kernel '4.19' is not one a guest can boot; available: 5.10, 6.1, 6.12", e.getMessage());
    }

    @Test
    void aKernelStanzaWithoutWhatADownloadNeedsIsAnError() {
        String broken = "Package: linux-image-5.10.0-46-cloud-amd64\nVersion: 5.10.262-1\nSize: 3\n";
        var e = assertThrows(
                IllegalStateException.class,
                () -> DebianKernels.parse(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8)), "x"));
        assertEquals("Debian's index lists linux-image-5.10.0-46-cloud-amd64 without Filename", e.getMessage());
    }
}

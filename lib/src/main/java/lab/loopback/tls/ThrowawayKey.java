package lab.loopback.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import lab.loopback.sys.Command;

/**
 * A self-signed EC P-256 key for CN=localhost / IP 127.0.0.1, made at run time by the JDK's own keytool into a
 * temporary PKCS#12 store that is read once and deleted at once; the key lives only in this JVM's memory
 * and is never written anywhere that outlives the call. The client trusts exactly this certificate.
 */
public final class ThrowawayKey {
    private final SSLContext server, client;

    private ThrowawayKey(SSLContext server, SSLContext client) {
        this.server = server;
        this.client = client;
    }

    public static ThrowawayKey generate() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("loopback-lab-tls-");
            Path store = dir.resolve("key.p12");
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            String pass = HexFormat.of().formatHex(secret);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Command c = Command.run(
                    List.of(
                            keytool.toString(),
                            "-genkeypair",
                            "-alias",
                            "lab",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-dname",
                            "CN=localhost",
                            "-ext",
                            "SAN=ip:127.0.0.1,dns:localhost",
                            "-validity",
                            "1",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            store.toString(),
                            "-storepass",
                            pass),
                    60_000);
            if (!c.ok())
                throw new IllegalStateException("keytool could not make a throwaway key (exit " + c.exitCode() + "): "
                        + c.stderr().strip());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass.toCharArray());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("lab", ks.getCertificate("lab"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext s = SSLContext.getInstance("TLSv1.3"), cl = SSLContext.getInstance("TLSv1.3");
            s.init(kmf.getKeyManagers(), null, null);
            cl.init(null, tmf.getTrustManagers(), null);
            return new ThrowawayKey(s, cl);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3: " + e.getMessage(), e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    public SSLContext server() {
        return server;
    }

    public SSLContext client() {
        return client;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp directory; nothing secret stays in it once the store file is gone
        }
    }
}

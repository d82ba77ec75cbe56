package lab.loopback.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The overlay was written for one build of rapaio-jupyter-kernel: the pins (which {@code ./lab setup} checks too) must
 * name the version Maven resolves, with the SHA-256 of that jar's classes, and the replacement LoopThread must offer
 * the original's public constructors and methods, or the kernel's own classes would fail to link against it.
 */
class KernelOverlayTest {
    private static final List<String> REPLACED = List.of(
            "org.rapaio.jupyter.kernel.channels.LoopThread", "org.rapaio.jupyter.kernel.channels.ControlChannel");

    private static Properties pins() throws IOException {
        Properties p = new Properties();
        try (InputStream in =
                KernelOverlayTest.class.getResourceAsStream("/lab/loopback/jupyter/kernel-overlay.properties")) {
            assertNotNull(in, "kernel-overlay.properties is missing from the overlay's resources");
            p.load(in);
        }
        return p;
    }

    private static Path kernelJar() throws Exception {
        URL where = org.rapaio.jupyter.kernel.MainApp.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        return Path.of(where.toURI());
    }

    @Test
    void thePinsNameTheResolvedKernelAndItsClasses() throws Exception {
        Properties pins = pins();
        try (JarFile jar = new JarFile(kernelJar().toFile())) {
            Properties pom = new Properties();
            try (InputStream in = jar.getInputStream(
                    jar.getEntry("META-INF/maven/io.github.padreati/rapaio-jupyter-kernel/pom.properties"))) {
                pom.load(in);
            }
            assertEquals(
                    pom.getProperty("version"),
                    pins.getProperty("kernel.version"),
                    "pom.xml's rapaio-kernel.version and the overlay's pins differ");
            int checked = 0;
            for (String entry : pins.stringPropertyNames()) {
                if (entry.equals("kernel.version")) continue;
                ZipEntry e = jar.getEntry(entry);
                assertNotNull(e, entry + " is not in " + jar.getName());
                try (InputStream in = jar.getInputStream(e)) {
                    assertEquals(
                            pins.getProperty(entry),
                            sha256(in.readAllBytes()),
                            entry + " differs from the build the overlay was written for");
                }
                checked++;
            }
            assertEquals(7, checked, "every class the overlay replaces or relies on must be pinned");
        }
    }

    @Test
    void theReplacementsOfferTheOriginalsPublicMembers() throws Exception {
        try (URLClassLoader original =
                new URLClassLoader(new URL[] {kernelJar().toUri().toURL()}, null)) {
            for (String name : REPLACED) {
                Class<?> theirs = original.loadClass(name);
                Class<?> ours = Class.forName(name);
                assertEquals(original, theirs.getClassLoader(), "the original must come from the kernel jar");
                assertEquals(publicMembers(theirs), publicMembers(ours), name);
                assertEquals(theirs.getModifiers(), ours.getModifiers(), name);
                assertEquals(
                        theirs.getSuperclass().getName(), ours.getSuperclass().getName(), name);
            }
        }
    }

    private static Set<String> publicMembers(Class<?> c) {
        Set<String> s = new TreeSet<>();
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (Modifier.isPublic(k.getModifiers())) s.add("new" + Arrays.toString(k.getParameterTypes()));
        }
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()))
                s.add(m.getReturnType().getName() + " " + m.getName() + Arrays.toString(m.getParameterTypes()));
        }
        return s;
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}

package lab.loopback.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.loopback.kernel.Guest;
import lab.loopback.sys.Command;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's image read back as the kernel reads it: every directory before what it holds, the console, /init. */
class GuestImageTest {
    @TempDir
    Path tmp;

    @Test
    void theImageHoldsWhatTheRunNeedsInAnOrderTheKernelCanUnpack() throws IOException {
        GuestTools.require();
        Path jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.createDirectories(jdk.resolve("lib"));
        Files.copy(Path.of("/bin/true").toRealPath(), jdk.resolve("bin/java")); // a dynamic binary, for ldd
        Files.writeString(jdk.resolve("lib/src.zip"), "sources no run needs");
        Files.createDirectories(jdk.resolve("man/man1"));
        Files.writeString(jdk.resolve("lib/modules"), "the JDK's module image");
        Path jar = Files.writeString(tmp.resolve("app.jar"), "a jar");
        Path classes = tmp.resolve("classes/lab");
        Files.createDirectories(classes);
        Files.writeString(classes.resolve("A.class"), "a class");
        Path modules = tmp.resolve("modules");
        Files.createDirectories(modules.resolve("kernel/net/tls"));
        Files.writeString(modules.resolve("kernel/net/tls/tls.ko"), "tls");
        Guest guest = new Guest("tcg", "QEMU 7.2.22", "host-1", "6.18.0", "linux-image-6.1.0-57-cloud-amd64 6.1.192-3");
        Path out = tmp.resolve("initramfs.cpio");
        try (OutputStream o = Files.newOutputStream(out)) {
            GuestImage.write(
                    new GuestImage.Spec(
                            jdk,
                            List.of(jar, tmp.resolve("classes")),
                            "6.1.0-57-cloud-amd64",
                            modules,
                            guest,
                            List.of("--profile", "quick", "--only", "URING-1", "--out", "/out", "--note", "it's")),
                    o);
        }

        Map<String, CpioArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, String> text = new LinkedHashMap<>();
        Set<String> dirsSoFar = new HashSet<>(Set.of(""));
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(Files.newInputStream(out))) {
            for (CpioArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = e.getName();
                String parent = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
                assertTrue(dirsSoFar.contains(parent), name + " comes before its directory " + parent);
                if (e.isDirectory()) dirsSoFar.add(name);
                entries.put(name, e);
                if ((e.isRegularFile() || e.isSymbolicLink()) && e.getSize() < 4096)
                    text.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        String j = jdk.toString().substring(1);
        assertTrue(entries.get("dev/console").isCharacterDevice());
        assertEquals(5, entries.get("dev/console").getRemoteDeviceMaj());
        assertEquals(1, entries.get("dev/console").getRemoteDeviceMin());
        assertTrue(entries.containsKey(j + "/bin/java") && entries.containsKey(j + "/lib/modules"));
        assertFalse(entries.containsKey(j + "/lib/src.zip"), "the JDK's sources stay out");
        assertFalse(entries.containsKey(j + "/man"), "its manuals too");
        assertEquals("a jar", text.get("lab/cp/0-app.jar"));
        assertEquals("a class", text.get("lab/cp/1-classes/lab/A.class"));
        assertEquals("tls", text.get("lib/modules/6.1.0-57-cloud-amd64/kernel/net/tls/tls.ko"));
        assertTrue(entries.get("bin/busybox").isRegularFile());
        for (String tool : GuestImage.TOOLS)
            if (Command.which(tool) != null)
                assertTrue(entries.containsKey("usr/bin/" + tool), tool + " is on this host and not in the guest");
        assertEquals("/bin/busybox", text.get("sbin/modprobe"), "the kernel's module loader is busybox's");
        assertTrue(
                entries.keySet().stream().anyMatch(n -> n.matches("(usr/)?lib(64|/x86_64-linux-gnu)?/libc\\.so\\.6")),
                "java's libc, as ldd found it");
        assertEquals(guest, new ObjectMapper().readValue(text.get("lab/guest.json"), Guest.class));

        CpioArchiveEntry init = entries.get("init");
        assertNotNull(init);
        assertEquals(0755, init.getMode() & 0777, "/init is executable");
        String script = text.get("init");
        assertTrue(script.startsWith("#!/bin/busybox sh\n"));
        assertTrue(
                script.contains(
                        " -cp '/lab/cp/0-app.jar:/lab/cp/1-classes' lab.loopback.cli.LabCli run '--profile'"
                                + " 'quick' '--only' 'URING-1' '--out' '/out' '--note' 'it'\\''s' \\\n  </dev/null >/tmp/run-stdout.txt"),
                script);
        assertTrue(script.contains("LAB_GUEST=/lab/guest.json " + jdk.resolve("bin/java")), script);
        // an emulated guest's child JVMs start tens of times slower: the run waits ten times as long for their lines
        assertTrue(
                script.contains(
                        "export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root LANG=C.UTF-8 LAB_WAIT_SCALE=10\n"),
                script);
        assertTrue(script.contains("tar -c -f /dev/vda -C /out ."), script);
        assertTrue(script.strip().endsWith("poweroff -f"), script);
    }
}

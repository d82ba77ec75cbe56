package lab.loopback.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.loopback.kernel.Guest;
import lab.loopback.kernel.HostProbe;
import lab.loopback.measure.ChildJvm;
import lab.loopback.sys.Command;

/**
 * What a guest boots into: busybox for the shell and its tools, the host's JDK and the workbench's class path at the
 * same paths as on the host, the reference tools the experiments call (iproute2, nft, strace, iperf3, sockperf …) with
 * every shared library they and the JDK load, fontconfig and the DejaVu fonts (XChart draws text), the guest kernel's
 * modules, and an /init that mounts what the experiments read (proc, sys, devtmpfs, /dev/shm), brings lo up, runs
 * {@code LabCli run} and writes the finished run as a tar onto the guest's one disk before powering off. The guest
 * has no network device and fetches nothing.
 */
public final class GuestImage {
    /** The run's directory inside the guest, and the markers /init prints on the console for the host to follow. */
    static final String OUT = "/out",
            BOOTED = "lab-guest: booted",
            MEASURED = "lab-guest: experiments ended, exit status ",
            WRITTEN = "lab-guest: results written",
            // what the guest's kernel holds after the run (namespaces, SAs, links, qdiscs, tables), kept in the run
            AFTER = "guest-after.txt";

    /**
     * The tools copied in when the host has them (an experiment without one says NOT_TESTABLE_HERE, as on a host); the
     * coreutils and util-linux ones because busybox's namesakes lack options the workbench passes (timeout's
     * --kill-after).
     */
    static final List<String> TOOLS = List.of(
            "ip",
            "tc",
            "ss",
            "nft",
            "strace",
            "ethtool",
            "iperf3",
            "sockperf",
            "tcpdump",
            "setpriv",
            "timeout",
            "taskset",
            "sysctl");

    /** Parts of the JDK no run needs: sources, manuals, headers, licences' texts. */
    private static final List<String> JDK_SKIP = List.of("lib/src.zip", "man", "include", "legal", "demo", "jmods");

    /** What goes in: the JDK to run, the class path, the guest kernel's release and module tree, how it runs. */
    public record Spec(
            Path jdk, List<Path> classpath, String release, Path modules, Guest guest, List<String> runArgs) {}

    /**
     * How much longer the run waits for a child JVM's lines in an emulated (TCG) guest than on a host
     * ({@link ChildJvm#WAIT_SCALE_ENV}): there a child JVM took over the host's 30 s to print its first line when the
     * host was busy (the guest test beside the other tests, 2 vCPUs), and the run failed although nothing was wrong.
     */
    static final int EMULATED_WAIT_SCALE = 10;

    private GuestImage() {}

    /** Writes the image of {@code spec} to {@code out}; returns the bytes of file content it holds. */
    public static long write(Spec spec, OutputStream out) throws IOException {
        try (Initramfs img = new Initramfs(out)) {
            for (String d : List.of("/proc", "/sys", "/dev", "/tmp", "/run", "/root", "/var", OUT)) img.dir(d);
            img.symlink("/var/run", "/run");
            img.charDevice("/dev/console", 5, 1);
            Path busybox = require("busybox", "busybox-static (Debian) or a static busybox");
            img.copy(busybox.toRealPath(), "/bin/busybox");
            img.symlink("/sbin/modprobe", "/bin/busybox"); // the kernel's request_module() runs /sbin/modprobe
            img.tree(spec.jdk(), spec.jdk().toString(), JDK_SKIP);
            List<String> cp = new ArrayList<>();
            int n = 0;
            for (Path entry : spec.classpath()) {
                String to = "/lab/cp/" + (n++) + "-" + entry.getFileName();
                if (Files.isDirectory(entry)) img.tree(entry, to, List.of());
                else img.copy(entry, to);
                cp.add(to);
            }
            List<Path> binaries = new ArrayList<>(List.of(spec.jdk().resolve("bin/java")));
            for (String t : TOOLS) {
                Path p = Command.which(t);
                if (p == null) continue;
                img.copy(p.toRealPath(), "/usr/bin/" + t);
                binaries.add(p.toRealPath());
            }
            try (Stream<Path> libs = Files.walk(spec.jdk().resolve("lib"))) {
                libs.filter(p -> p.toString().endsWith(".so")).forEach(binaries::add);
            }
            Path fontconfig = firstExisting(
                    "/usr/lib/x86_64-linux-gnu/libfontconfig.so.1",
                    "/usr/lib64/libfontconfig.so.1",
                    "/usr/lib/libfontconfig.so.1");
            if (fontconfig != null) {
                img.copy(fontconfig.toRealPath(), fontconfig.toString());
                binaries.add(fontconfig);
            }
            for (Path lib : sharedLibraries(binaries))
                if (!lib.startsWith(spec.jdk()) && !lib.equals(fontconfig)) img.copy(lib.toRealPath(), lib.toString());
            for (String d : List.of("/etc/fonts", "/usr/share/fontconfig", "/usr/share/fonts/truetype/dejavu"))
                if (Files.isDirectory(Path.of(d))) img.tree(Path.of(d), d, List.of());
            img.tree(spec.modules(), "/lib/modules/" + spec.release(), List.of());
            img.text(
                    "/etc/passwd",
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
                    0644);
            img.text("/etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644);
            img.text("/etc/hosts", "127.0.0.1 localhost guest\n::1 localhost ip6-localhost\n", 0644);
            img.text("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n", 0644);
            img.text("/lab/guest.json", new ObjectMapper().writeValueAsString(spec.guest()), 0644);
            img.text("/init", init(spec, String.join(":", cp)), 0755);
            return img.bytes();
        }
    }

    /**
     * The guest's /init: a busybox shell script. The run reads no terminal (stdin /dev/null), so its progress comes as
     * lines the host forwards rather than a redrawn bar; its console speaks UTF-8 (the guest has no locales). The
     * verdict table the run prints goes to a file (the host prints it from the run's verdicts): the console carries the
     * progress, the last lines of that output, and what went wrong.
     */
    static String init(Spec spec, String classpath) {
        String java = spec.jdk().resolve("bin/java").toString();
        StringBuilder args = new StringBuilder();
        for (String a : spec.runArgs()) args.append(' ').append(quote(a));
        return """
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                # what the run left in this kernel: nothing of the workbench's own may remain (namespaces and what was
                # set up inside them, SAs, links, qdiscs, nftables)
                after() {
                  for c in "ip netns list" "ip xfrm state" "ip xfrm policy" "ip -o link show" "tc qdisc show dev lo" "nft list tables"; do
                    echo "## $c"; $c 2>&1
                  done
                }
                export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root LANG=C.UTF-8 %s=%d
                mount -t proc proc /proc
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev
                mkdir -p /dev/shm /dev/pts /run/netns
                mount -t tmpfs -o mode=1777 tmpfs /dev/shm
                mount -t devpts devpts /dev/pts
                hostname guest
                ip link set lo up
                depmod -a 2>/dev/null
                modprobe virtio_pci 2>/dev/null; modprobe virtio_blk 2>/dev/null
                echo "%s $(uname -r) in $(cut -d' ' -f1 /proc/uptime) s"
                cd /lab
                %s=/lab/guest.json %s --enable-native-access=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \\
                  -Djava.awt.headless=true -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8 -cp %s lab.loopback.cli.LabCli run%s \\
                  </dev/null >/tmp/run-stdout.txt
                status=$?
                tail -n 3 /tmp/run-stdout.txt
                echo "%s$status"
                echo $status > %s/exit-status
                for d in %s/*/; do [ -f "$d/verdicts.json" ] && after > "$d/%s"; done
                if [ -b /dev/vda ]; then tar -c -f /dev/vda -C %s . && sync && echo "%s"; else echo "lab-guest: no disk /dev/vda for the results"; fi
                poweroff -f
                """.formatted(
                        ChildJvm.WAIT_SCALE_ENV,
                        spec.guest().emulated() ? EMULATED_WAIT_SCALE : 1,
                        BOOTED,
                        HostProbe.GUEST_ENV,
                        java,
                        quote(classpath),
                        args,
                        MEASURED,
                        OUT,
                        OUT,
                        AFTER,
                        OUT,
                        WRITTEN);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static final Pattern LIB = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    /** Every shared library {@code binaries} load, as ldd resolves them on this host (a library not found is left out). */
    static Set<Path> sharedLibraries(List<Path> binaries) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        for (int i = 0; i < binaries.size(); i += 64) {
            List<String> argv = new ArrayList<>(List.of("ldd"));
            binaries.subList(i, Math.min(binaries.size(), i + 64)).forEach(b -> argv.add(b.toString()));
            Command c = Command.run(argv, 60_000);
            if (c.exitCode() == Command.NOT_FOUND)
                throw new IOException("ldd is not installed: it finds the shared libraries the guest needs (libc-bin)");
            for (String line : c.stdout().lines().toList()) {
                Matcher m = LIB.matcher(line.trim());
                if (m.find() && Files.exists(Path.of(m.group(1)))) out.add(Path.of(m.group(1)));
            }
        }
        return out;
    }

    private static Path require(String program, String install) throws IOException {
        Path p = Command.which(program);
        if (p == null)
            throw new IOException(program + " is not installed; a guest's shell needs it: install " + install);
        return p;
    }

    private static Path firstExisting(String... paths) {
        for (String p : paths) if (Files.exists(Path.of(p))) return Path.of(p);
        return null;
    }
}

package lab.loopback.restricted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import lab.loopback.cli.LabCli;
import lab.loopback.netns.NetNamespace;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restricted-host matrix (README, Troubleshooting): each case runs {@code lab run} as a user would meet
 * it — not root, io_uring disabled, no tracefs, tools missing, read-only output, a run killed with -9 — and
 * checks that it ends in a clear message or NOT_TESTABLE_HERE with the reason, that the rest of the run is
 * judged, and that nothing is left half-written. Cases that need root to set up the restriction are
 * skipped when the tests run without it.
 */
class RestrictedHostTest {
    private static final boolean ROOT = Libc.geteuid() == 0;

    private static void assumeRoot(String why) {
        Assumptions.assumeTrue(ROOT, "setting up this restriction needs root: " + why);
    }

    /** A finished run: exit 0, a run directory, no partial left, no stack trace on stderr. */
    private static void assertCleanRun(LabProcess.Finished f, Path out) throws IOException {
        assertEquals(0, f.exit(), f.describe());
        assertNotNull(f.runDir(), f.describe());
        assertFalse(
                f.err().contains("Exception in thread") || f.err().contains("\tat lab.loopback"),
                "no stack trace: " + f.describe());
        try (var s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".partial")), "no partial run left");
        }
    }

    private static void assertNotTestable(LabProcess.Finished f, String id, String... reasonWords) {
        assertEquals("NOT_TESTABLE_HERE", f.verdict(id), id + ": " + f.summary(id));
        for (String w : reasonWords)
            assertTrue(f.summary(id).contains(w), id + " names its reason (" + w + "): " + f.summary(id));
    }

    private static void assertJudged(LabProcess.Finished f, String id) {
        String v = f.verdict(id);
        assertFalse(
                v.equals("NOT_TESTABLE_HERE") || v.equals("NOT_YET_MEASURED"),
                id + " is still judged: " + v + " " + f.summary(id));
    }

    @Test
    void asAnotherUserWithoutRoot(@TempDir Path tmp) throws IOException {
        Files.setPosixFilePermissions(
                tmp,
                PosixFilePermissions.fromString("rwx--x--x")); // JUnit makes it 0700; the other uid must pass through
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> prefix =
                ROOT ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--") : List.of();
        String cp = ROOT
                ? LabProcess.worldReadableClasspath(Files.createDirectories(tmp.resolve("cp")))
                : LabProcess.classpath();
        LabProcess.Finished f = LabProcess.run(
                prefix,
                cp,
                Map.of("HOME", out.toString()),
                out,
                "run",
                "--profile",
                "quick",
                "--only",
                "TRIG-2,FAIL-1,SEC-2,PERF-2",
                "--out",
                out.toString());
        assertCleanRun(f, out);
        assertNotTestable(f, "TRIG-2", "uid");
        assertNotTestable(f, "FAIL-1", "root");
        assertNotTestable(f, "SEC-2");
        assertJudged(f, "PERF-2");
    }

    /**
     * io_uring refused as a container's default seccomp profile refuses it (EPERM): the run is a process of its own
     * under a filter of its own, so no host-wide setting changes — kernel.io_uring_disabled=2 would also refuse
     * io_uring to whatever else runs on the machine meanwhile (it broke ./lab test's notebooks running beside the
     * Maven tests). The kernel.io_uring_disabled reasons are checked in IoUringSupportTest.
     */
    @Test
    void ioUringRefusedBySeccomp(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        LabProcess.Finished f = LabProcess.run(
                List.of(),
                LabProcess.classpath(),
                RefusingIoUring.class.getName(),
                Map.of(),
                out,
                "run",
                "--profile",
                "quick",
                "--only",
                "URING-1,URING-2,URING-3,PERF-2",
                "--out",
                out.toString());
        assertCleanRun(f, out);
        for (String id : List.of("URING-1", "URING-2")) assertNotTestable(f, id, "EPERM", "seccomp filter");
        assertJudged(f, "PERF-2");
    }

    @Test
    void noTracefs(@TempDir Path tmp) throws IOException {
        assumeRoot("hiding /sys/kernel in a private mount namespace");
        Path out = tmp.resolve("out");
        // a read-only, empty /sys/kernel in a mount namespace of the run's own: no tracefs, no mount point to mount it
        // on
        List<String> prefix = List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                "mount -t tmpfs -o ro,size=64k llab-no-sys-kernel /sys/kernel && exec \"$@\"",
                "sh");
        LabProcess.Finished f = LabProcess.run(
                prefix,
                LabProcess.classpath(),
                Map.of(),
                out,
                "run",
                "--profile",
                "quick",
                "--only",
                "TRIG-2,PATH-1,PERF-2",
                "--out",
                out.toString());
        assertCleanRun(f, out);
        assertNotTestable(f, "TRIG-2", "tracefs");
        assertJudged(f, "PERF-2");
        // PATH-1 falls back on the /proc/net counters: judged from them, or, when other traffic swamped them, not
        // judged with that reason
        assertTrue(
                !f.verdict("PATH-1").equals("NOT_TESTABLE_HERE")
                        || f.summary("PATH-1").contains("swamped"),
                f.summary("PATH-1"));
        assertTrue(Files.isDirectory(Path.of("/sys/kernel/mm")), "the host's /sys/kernel was never touched");
    }

    @Test
    void ipNftIperf3AndSockperfAbsent(@TempDir Path tmp) throws IOException {
        Set<String> hidden = Set.of("ip", "nft", "iperf3", "sockperf");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // every program on PATH but the four, so only their absence differs
        for (String dir : System.getenv("PATH").split(":")) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) continue;
            try (var s = Files.list(d)) {
                for (Path p : s.toList()) {
                    Path link = bin.resolve(p.getFileName().toString());
                    if (hidden.contains(p.getFileName().toString()) || Files.exists(link, LinkOption.NOFOLLOW_LINKS))
                        continue;
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        Path out = tmp.resolve("out");
        LabProcess.Finished f = LabProcess.run(
                List.of(),
                LabProcess.classpath(),
                Map.of("PATH", bin.toString()),
                out,
                "run",
                "--profile",
                "quick",
                "--only",
                "PERF-1,FAIL-1,IPC-3,MORE-4",
                "--out",
                out.toString());
        assertCleanRun(f, out);
        assertNotTestable(f, "FAIL-1", "not installed"); // ip is checked first, then nft
        assertNotTestable(f, "IPC-3", "ip");
        assertJudged(f, "PERF-1"); // the Java harness alone, saying iperf3 is missing
        assertTrue(
                f.verdicts().get("PERF-1").toString().contains("iperf3"),
                f.verdicts().get("PERF-1").toString());
        assertTrue(
                f.verdicts().get("MORE-4").toString().contains("not installed"),
                f.verdicts().get("MORE-4").toString());
    }

    @Test
    void readOnlyOut(@TempDir Path tmp) throws IOException {
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        boolean mounted = false;
        try {
            if (ROOT) {
                // root writes through permission bits; only a read-only mount stops it
                mounted = Command.run(
                                10_000, "mount", "-t", "tmpfs", "-o", "ro,size=64k", "llab-ro-test", ro.toString())
                        .ok();
                Assumptions.assumeTrue(mounted, "cannot mount a read-only tmpfs here");
            } else {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            Path out = ro.resolve("results");
            LabProcess.Finished f = LabProcess.run(
                    List.of(),
                    LabProcess.classpath(),
                    Map.of(),
                    out,
                    "run",
                    "--profile",
                    "quick",
                    "--only",
                    "PERF-2",
                    "--out",
                    out.toString());
            assertEquals(2, f.exit(), f.describe());
            assertTrue(f.err().contains("--out " + out), "names the directory: " + f.err());
            assertFalse(f.err().contains("\tat "), "one clear line, no stack trace: " + f.err());
            assertFalse(Files.exists(out), "nothing written");
        } finally {
            if (mounted) Command.run(10_000, "umount", ro.toString());
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aRunKilledMidExperimentLeavesNothingAndIsMarkedIncomplete(@TempDir Path tmp) throws Exception {
        assumeRoot("the experiment killed here builds namespaces and nftables rules, which need root");
        Path out = tmp.resolve("out");
        Path so = tmp.resolve("killed.out"), se = tmp.resolve("killed.err");
        Process p = LabProcess.start(
                List.of(),
                LabProcess.classpath(),
                Map.of(),
                List.of("run", "--profile", "quick", "--only", "FAIL-1,IPC-1", "--out", out.toString()),
                so,
                se);
        long pid = p.pid();
        List<ProcessHandle> children = new ArrayList<>();
        // wait until it is inside FAIL-1 with its namespace, rules and receiver up
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(se).contains("round 2 of") && p.isAlive() && System.nanoTime() < deadline)
            Thread.sleep(100);
        assertTrue(p.isAlive(), "the run was still going: " + Files.readString(se));
        p.descendants().forEach(children::add);
        List<String> namespaces = NetNamespace.ours().stream()
                .filter(n -> n.startsWith("llab-" + pid + "-"))
                .toList();
        assertFalse(namespaces.isEmpty(), "the run had made its namespace when it was killed");
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        try (var s = Files.list(out)) {
            Path partial = s.filter(d -> d.getFileName().toString().endsWith(".partial"))
                    .findFirst()
                    .orElseThrow();
            assertFalse(Files.exists(out.resolve("latest")), "a killed run is never the latest result");

            LabProcess.Finished fresh = LabProcess.run(
                    List.of(),
                    LabProcess.classpath(),
                    Map.of(),
                    out,
                    "run",
                    "--profile",
                    "quick",
                    "--only",
                    "PERF-2",
                    "--out",
                    out.toString());
            assertEquals(0, fresh.exit(), fresh.describe());
            assertTrue(fresh.err().contains(partial.getFileName() + " is an interrupted run"), fresh.describe());
            assertTrue(Files.readString(partial.resolve("INCOMPLETE")).contains("interrupted"), "marked incomplete");
            assertFalse(Files.exists(partial.resolve("verdicts.json")), "it holds no verdicts to mistake for results");
            assertTrue(fresh.runDir() != null && !fresh.runDir().equals(partial));
            assertEquals(2, LabCli.execute("report", partial.toString()), "./lab report refuses it");
            assertEquals(2, LabCli.execute("compare", partial.toString()), "./lab compare refuses it");
        }
        assertTrue(
                NetNamespace.ours().stream().noneMatch(n -> n.startsWith("llab-" + pid + "-")),
                "its namespaces (and the rules inside) are gone: " + NetNamespace.ours());
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            List<String> left = s.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("llab-tmp-" + pid + "-"))
                    .toList();
            assertTrue(left.isEmpty(), "its temporary files (children's stderr, command output, rule files): " + left);
        }
        // the killed run's children end on their own when their stdin closes
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < until) Thread.sleep(200);
        assertTrue(
                children.stream().noneMatch(ProcessHandle::isAlive),
                "no child of the killed run is left: "
                        + children.stream()
                                .filter(ProcessHandle::isAlive)
                                .map(c -> c.pid() + " " + c.info().commandLine().orElse(""))
                                .toList());
        // ring files: the kill comes before IPC-1 makes one (and both peers unlink it once mapped), so whether the next
        // run removes a killed run's ring file is tested where one is made on purpose, in LeftoversTest
    }

    @Test
    void absurdSizesAndMalformedInputAreOneLineBeforeAnythingRuns(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        // a bad environment input is refused, in one line, before FAIL-1 measures anything
        record Bad(String variable, String value, String says) {}
        List<LabProcess.Finished> refused = new ArrayList<>();
        for (Bad bad : List.of(
                new Bad("LAB_NFT_RULES", "10,99999999", "LAB_NFT_RULES: 99999999 is outside 0.."),
                new Bad("LAB_WAIT_SCALE", "ten", "LAB_WAIT_SCALE=ten is not allowed"))) {
            LabProcess.Finished run = LabProcess.run(
                    List.of(),
                    LabProcess.classpath(),
                    Map.of(bad.variable(), bad.value()),
                    out,
                    "run",
                    "--profile",
                    "quick",
                    "--only",
                    "FAIL-1",
                    "--out",
                    out.toString());
            assertEquals(2, run.exit(), run.describe());
            assertTrue(run.err().contains(bad.says()), run.describe());
            refused.add(run);
        }
        Path yaml = Files.writeString(
                tmp.resolve("claims.yaml"), "sections:\n  - {number: 1, title: [unclosed\nclaims: {\n");
        LabProcess.Finished ledger = LabProcess.run(
                List.of(),
                LabProcess.classpath(),
                Map.of(),
                out,
                "run",
                "--profile",
                "quick",
                "--claims",
                yaml.toString(),
                "--out",
                out.toString());
        assertEquals(2, ledger.exit(), ledger.describe());
        assertTrue(ledger.err().contains(yaml.toString()), "names the file: " + ledger.describe());
        refused.add(ledger);
        for (LabProcess.Finished f : refused) {
            assertEquals(
                    1,
                    f.err().strip().lines().filter(l -> l.startsWith("lab: ")).count(),
                    f.describe());
            assertFalse(f.err().contains("\tat "), f.describe());
        }
        assertFalse(Files.exists(out), "nothing written");
    }
}

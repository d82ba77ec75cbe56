package lab.loopback.guest;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import lab.loopback.kernel.Guest;
import lab.loopback.kernel.HostFingerprint;
import lab.loopback.kernel.HostProbe;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.RunStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One {@code ./lab run --kernel SERIES}: the Debian kernel from the cache (fetched once), an image built from this
 * host's JDK and the workbench's class path, the guest booted in QEMU with the run's own arguments, its console
 * followed (boot, each experiment, shutdown), and the finished run brought back from the guest's disk into
 * OUT/.staged/RUN-ID as an ordinary run whose host.json names the guest. A guest that does not boot, or runs past its
 * bound, is killed, and the error holds its last console lines; nothing of it is left running or on disk.
 */
public final class GuestRun {
    /** What to run: the kernel series, the accelerator (tcg, kvm or auto), the LabCli run arguments inside. */
    public record Options(
            String series,
            String accelerator,
            List<String> runArgs,
            Path out,
            Duration bound,
            Path jdk,
            List<Path> classpath,
            KernelCache cache) {}

    public record Result(Path runDir, int exitStatus, Guest guest, double seconds) {}

    static final int CPUS = 2, MEMORY_MIB = 4096;
    /** How long a KVM guest may take to reach its /init before it is taken for a stalled nested KVM. */
    static final Duration KVM_BOOT = Duration.ofSeconds(60);
    /** How long an emulated guest may take to reach its /init (4 s here; a slow, shared host gets a wide margin). */
    static final Duration TCG_BOOT = Duration.ofMinutes(5);

    private static final long DISK_BYTES = 2L << 30;
    private static final int CONSOLE_TAIL = 40;

    private GuestRun() {}

    public static Result execute(Options opt, Consumer<String> progress) {
        if (!List.of("tcg", "kvm", "auto").contains(opt.accelerator()))
            throw new IllegalArgumentException("--accel '" + opt.accelerator() + "' is not one of tcg, kvm, auto");
        Path qemu = Qemu.binary();
        KernelCache.Cached kernel = opt.cache().kernel(opt.series(), progress);
        String release = kernel.pkg().release();
        HostFingerprint host = HostProbe.probe();
        long t0 = System.nanoTime();
        Path work;
        try {
            Files.createDirectories(opt.cache().root());
            work = Files.createTempDirectory(opt.cache().root(), "guest-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot make a work directory in " + opt.cache().root() + ": " + e.getMessage(), e);
        }
        try {
            List<String> tries = new ArrayList<>();
            // what a stalled KVM guest cost once (KVM_BOOT) is not paid again on this host and emulator
            String emulator = Qemu.version(qemu);
            Path stalled =
                    opt.cache().root().resolve("kvm-stalled-" + host.hostId() + "-" + emulator.replace(' ', '-'));
            boolean tryKvm = opt.accelerator().equals("kvm")
                    || (opt.accelerator().equals("auto") && Qemu.kvmOpenable() && !Files.exists(stalled));
            if (opt.accelerator().equals("auto") && Files.exists(stalled))
                progress.accept("not trying KVM: a guest stalled under it on this host before (" + stalled
                        + "); --accel kvm tries again");
            if (tryKvm) tries.add(Guest.KVM);
            if (!opt.accelerator().equals("kvm")) tries.add(Guest.TCG);
            if (opt.accelerator().equals("kvm") && !Qemu.kvmOpenable())
                throw new IllegalStateException(
                        "--accel kvm, but /dev/kvm cannot be opened here (it needs the kvm group or"
                                + " root); --accel tcg emulates");
            for (String accel : tries) {
                Guest guest = new Guest(
                        accel,
                        emulator,
                        host.hostId(),
                        host.kernelRelease(),
                        kernel.pkg().describe());
                Boot boot = boot(opt, qemu, kernel, guest, work, progress);
                if (boot.booted() || accel.equals(tries.getLast())) {
                    if (!boot.booted())
                        throw new IllegalStateException("the guest (Linux " + release + ", " + accel + ") did not reach"
                                + " its /init; its last console lines:\n" + boot.tail());
                    if (boot.timedOut())
                        throw new IllegalStateException("the guest ran past its bound of "
                                + boot.bound().toMinutes() + " min and was killed; its last console lines:\n"
                                + boot.tail());
                    if (!boot.written())
                        throw new IllegalStateException("the guest ended without writing its results; its last console"
                                + " lines:\n" + boot.tail());
                    Path run = bringBack(work.resolve("results.img"), opt.out(), work.resolve("console.log"));
                    progress.accept("guest run brought back: " + run);
                    return new Result(run, boot.exitStatus(), guest, (System.nanoTime() - t0) / 1e9);
                }
                progress.accept("KVM: the guest did not reach its /init within " + KVM_BOOT.toSeconds()
                        + " s (nested KVM stalls on some hosts); falling back to emulation (TCG)");
                AtomicFiles.writeString(
                        stalled, "no /init within " + KVM_BOOT.toSeconds() + " s; its console:\n" + boot.tail() + "\n");
            }
            throw new IllegalStateException("unreachable");
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /** How one boot ended. */
    record Boot(boolean booted, boolean timedOut, boolean written, int exitStatus, Duration bound, String tail) {}

    private static Boot boot(
            Options opt, Path qemu, KernelCache.Cached kernel, Guest guest, Path work, Consumer<String> progress) {
        String release = kernel.pkg().release();
        Path image = work.resolve("initramfs.cpio"),
                disk = work.resolve("results.img"),
                console = work.resolve("console.log");
        try {
            progress.accept("building the guest's image (JDK, class path, tools, Linux " + release + " modules)");
            long bytes;
            try (OutputStream out = Files.newOutputStream(image)) {
                bytes = GuestImage.write(
                        new GuestImage.Spec(
                                opt.jdk(), opt.classpath(), release, opt.cache().modules(release), guest, runArgs(opt)),
                        out);
            }
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength(0);
                f.setLength(DISK_BYTES); // sparse: only what the guest writes takes space
            }
            progress.accept("booting Linux " + release + " (" + guest.accelerator() + ", " + guest.emulator() + ", "
                    + (bytes >> 20) + " MiB image, " + CPUS + " vCPUs, " + MEMORY_MIB + " MiB)");
            List<String> argv = Qemu.command(
                    qemu, guest.accelerator(), CPUS, MEMORY_MIB, opt.cache().vmlinuz(release), image, disk);
            Process p = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            Console c = new Console(p, console, progress);
            Thread reader = Thread.ofPlatform().daemon().name("guest-console").start(c::follow);
            Duration bootBound = guest.emulated() ? TCG_BOOT : KVM_BOOT;
            long deadline = System.nanoTime() + bootBound.toNanos();
            while (p.isAlive() && !c.booted() && System.nanoTime() < deadline) p.waitFor(200, TimeUnit.MILLISECONDS);
            if (!c.booted()) {
                stop(p);
                reader.join(5_000);
                return new Boot(false, false, false, -1, bootBound, c.tail());
            }
            boolean ended = p.waitFor(opt.bound().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) stop(p);
            reader.join(10_000);
            return new Boot(true, !ended, c.written(), c.exitStatus(), opt.bound(), c.tail());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the guest: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the guest ran");
        }
    }

    private static List<String> runArgs(Options opt) {
        List<String> args = new ArrayList<>(opt.runArgs());
        args.addAll(List.of("--out", GuestImage.OUT));
        return args;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The guest's console: kept whole in a file, its last lines for errors, its markers, the run's lines forwarded. */
    private static final class Console {
        private final Process p;
        private final Path file;
        private final Consumer<String> progress;
        private final Deque<String> tail = new ArrayDeque<>();
        private volatile boolean booted, written;
        private volatile int exitStatus = -1;

        Console(Process p, Path file, Consumer<String> progress) {
            this.p = p;
            this.file = file;
            this.progress = progress;
        }

        void follow() {
            try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    var log = Files.newBufferedWriter(file)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String l = line.replace("\r", "");
                    log.write(l);
                    log.newLine();
                    log.flush();
                    synchronized (tail) {
                        tail.addLast(l);
                        if (tail.size() > CONSOLE_TAIL) tail.removeFirst();
                    }
                    if (l.startsWith(GuestImage.BOOTED)) booted = true;
                    else if (l.startsWith(GuestImage.MEASURED))
                        exitStatus = Integer.parseInt(
                                l.substring(GuestImage.MEASURED.length()).trim());
                    else if (l.startsWith(GuestImage.WRITTEN)) written = true;
                    if (booted) progress.accept("guest| " + l);
                }
            } catch (IOException | NumberFormatException e) {
                progress.accept("guest console: " + e.getMessage());
            }
        }

        boolean booted() {
            return booted;
        }

        boolean written() {
            return written;
        }

        int exitStatus() {
            return exitStatus;
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }
    }

    /**
     * The run the guest wrote onto its disk (a tar of its /out), unpacked into OUT/.staged/RUN-ID with the guest's console
     * log beside it.
     */
    static Path bringBack(Path disk, Path out, Path console) {
        Path stage = out.resolve(RunStore.STAGED);
        Path unpacked = null;
        try {
            Files.createDirectories(stage);
            unpacked = Files.createTempDirectory(stage, ".guest-");
            untar(disk, unpacked);
            Path run;
            try (Stream<Path> s = Files.list(unpacked)) {
                List<Path> runs = s.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                                && Files.isRegularFile(d.resolve("verdicts.json")))
                        .toList();
                if (runs.size() != 1)
                    throw new IllegalStateException(
                            "the guest's disk holds " + runs.size() + " finished runs, not one");
                run = runs.getFirst();
            }
            Files.copy(console, run.resolve("guest-console.log"));
            return RunStore.moveUnder(run, stage);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot bring the guest's run back into " + stage + ": " + e.getMessage(), e);
        } finally {
            if (unpacked != null) AtomicFiles.deleteTree(unpacked);
        }
    }

    /**
     * The tar at the start of {@code disk} into {@code into}: regular files and directories, nothing outside it (links
     * are left out: OUT/latest is the guest's, not this host's).
     */
    static void untar(Path disk, Path into) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(disk)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path to = into.resolve(e.getName()).normalize();
                if (!to.startsWith(into))
                    throw new IOException("the guest's tar names a path outside its run: " + e.getName());
                if (e.isSymbolicLink() || e.isLink()) continue;
                if (e.isDirectory()) Files.createDirectories(to);
                else if (e.isFile()) {
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

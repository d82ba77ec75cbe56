package lab.loopback.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.kernel.Guest;
import lab.loopback.sys.Command;

/**
 * The QEMU command line of a guest: no network device, no firmware disk, a serial console on stdout, the kernel and
 * image booted directly, one raw disk for the results. Emulated (TCG) in one thread: with multi-threaded TCG the JVM
 * crashed in C1-compiled code on this project's hosts; single-threaded, the same runs complete.
 */
public final class Qemu {
    public static final String BINARY = "qemu-system-x86_64";

    private Qemu() {}

    /** The emulator on this host, or an error saying what to install. */
    public static Path binary() {
        Path p = Command.which(BINARY);
        if (p == null)
            throw new IllegalStateException(BINARY + " is not installed: a guest kernel boots in QEMU (Debian:"
                    + " apt-get install qemu-system-x86; ./lab kernels and ./lab test install it when run as root)");
        return p;
    }

    /** "QEMU 7.2.22", from the binary's own version line. */
    public static String version(Path binary) {
        String line = Command.firstLine(
                Command.run(10_000, binary.toString(), "--version").stdout());
        return line == null
                ? "QEMU (version unknown)"
                : line.replaceFirst("^QEMU emulator version (\\S+).*", "QEMU $1");
    }

    /**
     * Whether KVM could be asked for: /dev/kvm exists and this process may open it. (Whether a guest then runs is a
     * different question: nested KVM on some hosts stalls after the firmware; {@link GuestRun} falls back to TCG.)
     */
    public static boolean kvmOpenable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.exists(kvm) && Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    /** The command line booting {@code vmlinuz} with {@code initramfs}, {@code disk} as /dev/vda. */
    public static List<String> command(
            Path binary, String accelerator, int cpus, int memoryMiB, Path vmlinuz, Path initramfs, Path disk) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "-nodefaults", "-no-user-config", "-no-reboot"));
        if (Guest.KVM.equals(accelerator)) argv.addAll(List.of("-accel", "kvm", "-cpu", "max"));
        else argv.addAll(List.of("-accel", "tcg,thread=single", "-cpu", "max"));
        argv.addAll(List.of(
                "-machine",
                "q35",
                "-smp",
                Integer.toString(cpus),
                "-m",
                Integer.toString(memoryMiB),
                "-display",
                "none",
                "-serial",
                "stdio",
                "-monitor",
                "none",
                "-kernel",
                vmlinuz.toString(),
                "-initrd",
                initramfs.toString(),
                "-append",
                "console=ttyS0 rdinit=/init panic=-1 loglevel=4",
                "-drive",
                "file=" + disk + ",format=raw,if=virtio,cache=unsafe"));
        return argv;
    }
}

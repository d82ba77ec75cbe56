package lab.loopback.kernel;

/**
 * Where a run ran when its kernel was a guest's ({@code ./lab run --kernel}): the accelerator ({@code tcg}: the CPU is
 * emulated, so times and rates are the emulator's; {@code kvm}: a virtual machine on this hardware), the emulator and
 * its version, the host that ran it (its host id and kernel release), and the Debian package the guest kernel came
 * from. host.json carries it; a run on the host itself has none.
 */
public record Guest(String accelerator, String emulator, String ranOn, String ranOnKernel, String kernelPackage) {
    public static final String TCG = "tcg", KVM = "kvm";

    public Guest {
        if (!TCG.equals(accelerator) && !KVM.equals(accelerator))
            throw new IllegalArgumentException(
                    "guest accelerator '" + accelerator + "' is not one of " + TCG + ", " + KVM);
    }

    /** Whether the guest's CPU was emulated instruction by instruction: then no timing of it is this hardware's. */
    public boolean emulated() {
        return TCG.equals(accelerator);
    }

    /** In a sentence, for reports and tables. */
    public String describe() {
        return (emulated() ? "emulated CPU (QEMU TCG)" : "virtual machine (KVM)") + ", " + emulator + ", on " + ranOn
                + " (Linux " + ranOnKernel + "), kernel from " + kernelPackage;
    }
}

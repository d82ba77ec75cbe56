package lab.loopback.claim;

/**
 * Why a claim was not judged on a host ({@link Verdict#NOT_TESTABLE_HERE}), as a value: what the host lacked. Some
 * lacks are facts of the host a run cannot change (this kernel has no such tracepoint, the host allows one congestion
 * control); the others name an ability a better-equipped host has, so a test on a host that has it can tell a
 * verdict that should have been judged from one that rightly was not.
 */
public enum Lack {
    ROOT("root (another uid, packet capture, a raw view of the host)"),
    TRACEFS("tracefs, to record the kernel's tracepoints"),
    IO_URING("io_uring"),
    NAMESPACES("network namespaces of the workbench's own (root and iproute2)"),
    NFTABLES("nftables rules inside a namespace of the workbench's own"),
    LOCKED_MEMORY("enough locked memory (RLIMIT_MEMLOCK) to pin the sent pages"),
    SHARED_MEMORY("a writable /dev/shm"),
    KALLSYMS("a readable kernel symbol table (/proc/kallsyms)"),
    TOOL("a reference tool (iperf3, sockperf, strace, ip, nft)"),
    /** This kernel has no such feature or tracepoint, or is too old for the claim: no host setting changes it. */
    KERNEL("the feature in this kernel"),
    /** An emulated CPU (a QEMU TCG guest): its times and rates are the emulator's, not this hardware's. */
    EMULATED("a CPU of this hardware: in an emulated guest, times and rates are the emulator's"),
    /** A host setting the workbench does not change (allowed congestion controls, a sysctl it would have to set). */
    HOST_POLICY("a host setting the workbench never changes"),
    /** The measurement ran and gave nothing to judge: never expected where the abilities above are present. */
    NO_DATA("data: the measurement ran but recorded nothing to judge"),
    /** The experiment threw. */
    FAILED("a working experiment: it failed");

    private final String what;

    Lack(String what) {
        this.what = what;
    }

    /** What was missing, in words. */
    public String what() {
        return what;
    }
}

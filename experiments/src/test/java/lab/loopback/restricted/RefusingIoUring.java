package lab.loopback.restricted;

import lab.loopback.cli.LabCli;
import lab.loopback.sys.Errno;
import lab.loopback.sys.Seccomp;
import lab.loopback.sys.Syscall;

/** {@code lab} in a process whose io_uring_setup fails with EPERM, as under a container runtime's default seccomp profile. */
final class RefusingIoUring {
    private RefusingIoUring() {}

    public static void main(String[] args) {
        Seccomp.refuse(Syscall.IO_URING_SETUP, Errno.EPERM);
        LabCli.main(args);
    }
}

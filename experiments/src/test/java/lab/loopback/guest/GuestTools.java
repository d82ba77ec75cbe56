package lab.loopback.guest;

import static org.junit.jupiter.api.Assertions.fail;

import lab.loopback.sys.Command;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this host can build and boot a guest (QEMU and busybox installed). {@code ./lab test} installs both and sets
 * LAB_REQUIRE_GUEST=1 where it could (root with apt-get): there a missing tool fails the test instead of skipping it.
 */
final class GuestTools {
    private GuestTools() {}

    static void require() {
        String missing = Command.which(Qemu.BINARY) == null
                ? Qemu.BINARY + " (qemu-system-x86)"
                : Command.which("busybox") == null ? "busybox (busybox-static)" : null;
        if (missing == null) return;
        if ("1".equals(System.getenv("LAB_REQUIRE_GUEST")))
            fail(missing + " is not installed, although ./lab test installed the guest tools here");
        Assumptions.abort("no guest here: " + missing + " is not installed");
    }
}

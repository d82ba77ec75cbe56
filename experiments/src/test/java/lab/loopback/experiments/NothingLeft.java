package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import lab.loopback.guest.Qemu;
import lab.loopback.netns.NetNamespace;

/**
 * What an end-to-end run test checks the run left behind: none of this JVM's namespaces, no live child process — other
 * than the guest test's, which runs beside the run tests and checks its own (its QEMU, and ldd finding the guest's
 * libraries; no run test starts either).
 */
final class NothingLeft {
    private NothingLeft() {}

    private static final List<String> GUEST_TEST_PROGRAMS = List.of(Qemu.BINARY, "/ldd ");

    static void namespacesOrChildren() {
        if (NetNamespace.unavailable() == null) {
            assertEquals(
                    List.of(),
                    NetNamespace.ours().stream()
                            .filter(n -> n.startsWith(
                                    "llab-" + ProcessHandle.current().pid() + "-"))
                            .toList(),
                    "namespaces left");
        }
        assertEquals(
                0,
                ProcessHandle.current()
                        .children()
                        .filter(ProcessHandle::isAlive)
                        .filter(p -> !ofTheGuestTest(p))
                        .count(),
                "a child process outlived the run");
    }

    private static boolean ofTheGuestTest(ProcessHandle p) {
        String command = p.info().commandLine().orElse("");
        return GUEST_TEST_PROGRAMS.stream().anyMatch(command::contains);
    }
}

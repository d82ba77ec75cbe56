package lab.loopback.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import lab.loopback.netns.NetNamespace;

/** What an end-to-end run test checks the run left behind: none of this JVM's namespaces, no live child process. */
final class NothingLeft {
    private NothingLeft() {}

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
                        .count(),
                "a child process outlived the run");
    }
}

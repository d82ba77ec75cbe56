package lab.loopback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lab}'s JDK search, on a host whose /usr/lib/jvm is replaced (in a private mount namespace) by none, or by
 * fake JDKs that only answer {@code -XshowSettings}: help needs no JDK, and the newest JDK >= 25 is chosen unless
 * JAVA_HOME names one.
 */
class LabScriptJdkTest {
    private static final Path LAB = Path.of("..", "lab").toAbsolutePath().normalize();

    /** A JDK directory whose java prints {@code major} as java.specification.version, as -XshowSettings does. */
    private static String fakeJdk(String name, int major) {
        String dir = "/usr/lib/jvm/" + name + "/bin";
        return "mkdir -p " + dir + " && printf '#!/bin/sh\\necho \"    java.specification.version = " + major
                + "\" >&2\\n' > " + dir + "/java && cp " + dir + "/java " + dir + "/javac && chmod +x " + dir + "/java "
                + dir + "/javac && ";
    }

    /** {@code script} in a mount namespace whose /usr/lib/jvm is an empty tmpfs and PATH has no java of its own. */
    private static Command withJvmDir(String setup, String script, String javaHome) {
        Assumptions.assumeTrue(
                Libc.geteuid() == 0 && Command.which("unshare") != null,
                "needs root to mount over /usr/lib/jvm privately");
        List<String> cmd = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                "mount -t tmpfs llab-no-jdk /usr/lib/jvm && " + setup
                        + "exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp"
                        + (javaHome == null ? "" : " JAVA_HOME=" + javaHome) + " bash -c '" + script + "'"));
        return Command.run(60_000, cmd.toArray(String[]::new));
    }

    @Test
    void helpNeedsNoJdkAndACommandThatDoesSaysWhatToInstall() {
        Command help = withJvmDir("", LAB + " help", null);
        assertEquals(0, help.exitCode(), help.stdout() + help.stderr());
        assertTrue(help.stdout().contains("usage: ./lab"), help.stdout());
        Command setup = withJvmDir("", LAB + " setup", null);
        assertEquals(2, setup.exitCode(), setup.stdout() + setup.stderr());
        assertTrue(setup.stderr().contains("no JDK 25 or newer found"), setup.stderr());
    }

    @Test
    void theNewestJdkAtLeast25IsChosenUnlessJavaHomeNamesOne() {
        String jdks = fakeJdk("a-jdk-25", 25) + fakeJdk("b-jdk-26", 26) + fakeJdk("c-jdk-21", 21);
        String find = "source " + LAB + " && find_jdk";
        assertEquals(
                "/usr/lib/jvm/b-jdk-26",
                withJvmDir(jdks, find, null).stdout().strip(),
                "the newest, not the glob's first");
        assertEquals(
                "/usr/lib/jvm/a-jdk-25",
                withJvmDir(jdks, find, "/usr/lib/jvm/a-jdk-25").stdout().strip(),
                "JAVA_HOME, when it is >= 25");
        assertEquals(
                "/usr/lib/jvm/b-jdk-26",
                withJvmDir(jdks, find, "/usr/lib/jvm/c-jdk-21").stdout().strip(),
                "not a JAVA_HOME older than 25");
    }
}

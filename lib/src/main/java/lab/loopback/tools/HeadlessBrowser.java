package lab.loopback.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.Command;
import lab.loopback.sys.Libc;

/**
 * Debian's Chromium without a display: loads a page from disk, runs its scripts, and returns the DOM as it
 * stands after the load event — how the report's self-check (figures decoded, claims present) is read.
 */
public final class HeadlessBrowser {
    /** Debian ships the headless build as its own package; the full browser does the same job. */
    static final List<String> PROGRAMS = List.of("chromium-headless-shell", "chromium");

    private final Path program;

    private HeadlessBrowser(Path program) {
        this.program = program;
    }

    /** The first of {@link #PROGRAMS} on PATH, or null when neither is installed. */
    public static HeadlessBrowser find() {
        for (String p : PROGRAMS) {
            Path found = Command.which(p);
            if (found != null) return new HeadlessBrowser(found);
        }
        return null;
    }

    public Path program() {
        return program;
    }

    /** The DOM of {@code page} after load (scripts given up to 10 s of virtual time); throws with chromium's own words if it fails. */
    public String dumpDom(Path page) {
        if (!Files.isRegularFile(page)) throw new IllegalArgumentException("no page to load at " + page);
        List<String> argv = new ArrayList<>(List.of(
                program.toString(),
                "--headless",
                "--disable-gpu",
                "--no-first-run",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.toAbsolutePath().toUri().toString()));
        // Chromium refuses to run its sandbox as root; the page is our own file, so the sandbox buys nothing here
        if (Libc.geteuid() == 0) argv.add(1, "--no-sandbox");
        Command c = Command.run(argv, 120_000);
        if (!c.ok() || c.stdout().isBlank()) {
            throw new IllegalStateException(program + " could not load " + page + " (exit " + c.exitCode()
                    + (c.timedOut() ? ", timed out" : "") + "): "
                    + c.stderr()
                            .lines()
                            .filter(l -> !l.contains("dbus") && !l.contains("vaapi"))
                            .reduce((a, b) -> b)
                            .orElse(""));
        }
        return c.stdout();
    }
}

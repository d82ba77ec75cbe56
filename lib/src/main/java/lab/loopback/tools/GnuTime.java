package lab.loopback.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.sys.Command;

/**
 * GNU time (Debian package {@code time}) around a reference tool's process: what the kernel's rusage says of it when
 * it is reaped (wait4), which no reading of /proc can give once the process is gone. Looked up once; another
 * {@code time} (busybox's) may lack -o, and a run must not fail on it, so only GNU's is used.
 */
final class GnuTime {
    private static final String PATH = find();

    private GnuTime() {}

    private static String find() {
        Path time = Command.which("time");
        if (time == null) return null;
        Command v = Command.run(5_000, time.toString(), "--version");
        return v.ok() && (v.stdout() + v.stderr()).contains("GNU") ? time.toString() : null;
    }

    static boolean available() {
        return PATH != null;
    }

    /**
     * {@code argv} run under time, which writes {@code format} to {@code out}. The command keeps its own process: a
     * {@code taskset} in front of it execs the tool in place, so time's child is the tool itself.
     */
    static List<String> around(Path out, String format, List<String> argv) {
        if (PATH == null) throw new IllegalStateException("GNU time is not installed (apt-get install time)");
        List<String> wrapped = new ArrayList<>(List.of(PATH, "-f", format, "-o", out.toString()));
        wrapped.addAll(argv);
        return wrapped;
    }

    /**
     * The whitespace-separated fields of the last line time wrote to {@code out} (a failed command's status line
     * comes first); empty when there is none.
     */
    static List<String> fields(Path out) {
        try {
            List<String> lines =
                    Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? List.of() : List.of(lines.getLast().trim().split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }
}

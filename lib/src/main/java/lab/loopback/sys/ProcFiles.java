package lab.loopback.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a file of /proc or /sys whole, starting with one large read(2). A numeric sysctl (proc_dointvec and kin)
 * answers only a read at offset 0 and reports end of file at any other offset, and its size is 0; {@link
 * Files#readString} of a file of size 0 first reads a single byte and then continues at offset 1, so it returns "4"
 * for a tcp_wmem of "4096 16384 4194304" and "-" for an io_uring_group of "-1" (JDK 25, Linux 6.18).
 */
public final class ProcFiles {
    /** Larger than any sysctl's text; longer files (seq_file) are read on from their offsets. */
    private static final int FIRST_READ = 64 * 1024;

    private ProcFiles() {}

    public static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] first = new byte[FIRST_READ];
            int n = in.read(first, 0, first.length);
            if (n <= 0) return "";
            byte[] rest = in.readAllBytes();
            byte[] all = new byte[n + rest.length];
            System.arraycopy(first, 0, all, 0, n);
            System.arraycopy(rest, 0, all, n, rest.length);
            return new String(all, StandardCharsets.UTF_8);
        }
    }
}

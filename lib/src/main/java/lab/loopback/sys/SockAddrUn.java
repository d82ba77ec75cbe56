package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** struct sockaddr_un (110 bytes): sa_family_t sun_family, char sun_path[108], a NUL-terminated filesystem path. */
public record SockAddrUn(String path) {
    public static final int SIZE = 110, MAX_PATH = 107;

    public SockAddrUn {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_PATH || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "AF_UNIX path '" + path + "' must be 1.." + MAX_PATH + " bytes without NUL, is " + b.length);
        }
    }

    public MemorySegment allocate(Arena arena) {
        MemorySegment s = arena.allocate(SIZE, 2);
        s.set(JAVA_SHORT, 0, (short) Net.AF_UNIX);
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, s, JAVA_BYTE, 2, b.length);
        return s;
    }
}

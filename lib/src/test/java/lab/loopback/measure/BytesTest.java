package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void readsAndPrintsSizes() {
        assertEquals(65536, Bytes.parse("64K"));
        assertEquals(1 << 20, Bytes.parse("1 MiB"));
        assertEquals(4096, Bytes.parse("4096"));
        assertEquals("4 KiB", Bytes.human(4096));
        assertEquals("1.5 KiB", Bytes.human(1536));
        assertEquals("64 B", Bytes.human(64));
        var e = assertThrows(IllegalArgumentException.class, () -> Bytes.parse("lots"));
        assertEquals("size 'lots' is not a byte count like 4096, 64K or 1MiB", e.getMessage());
    }

    @Test
    void profilesParseByName() {
        assertEquals(Profile.QUICK, Profile.parse("quick"));
        var e = assertThrows(IllegalArgumentException.class, () -> Profile.parse("turbo"));
        assertEquals("unknown profile 'turbo'; allowed: quick, standard, thorough", e.getMessage());
    }
}

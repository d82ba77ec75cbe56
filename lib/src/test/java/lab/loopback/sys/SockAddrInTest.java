package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class SockAddrInTest {
    @Test
    void layoutIsFamilyThenNetworkOrderPortThenAddress() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = SockAddrIn.loopback(0x1F90).allocate(a); // port 8080
            assertEquals(Net.AF_INET, s.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals((byte) 0x1F, s.get(JAVA_BYTE, 2));
            assertEquals((byte) 0x90, s.get(JAVA_BYTE, 3));
            assertEquals((byte) 127, s.get(JAVA_BYTE, 4));
            assertEquals((byte) 1, s.get(JAVA_BYTE, 7));
            assertEquals(SockAddrIn.loopback(8080), SockAddrIn.read(s));
        }
    }

    @Test
    void badValuesAreRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> SockAddrIn.loopback(70000));
        assertTrue(e.getMessage().contains("70000"));
        assertThrows(IllegalArgumentException.class, () -> new SockAddrIn(new byte[3], 1));
    }

    @Test
    void printsLikeAnAddress() {
        assertEquals("127.0.0.1:5201", SockAddrIn.loopback(5201).toString());
    }
}

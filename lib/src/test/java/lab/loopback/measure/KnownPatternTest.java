package lab.loopback.measure;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class KnownPatternTest {
    @Test
    void sliceAtAnyOffsetMatchesTheStreamDefinition() {
        try (Arena a = Arena.ofConfined()) {
            long chunk = 3 * KnownPattern.PERIOD; // larger than the period: the buffer must repeat it thrice
            KnownPattern p = new KnownPattern(a, chunk);
            MemorySegment s = p.slice(KnownPattern.PERIOD - 5, chunk);
            for (long i = 0; i < chunk; i += 4099) {
                assertEquals(
                        p.slice((KnownPattern.PERIOD - 5 + i) % KnownPattern.PERIOD, 1)
                                .get(JAVA_BYTE, 0),
                        s.get(JAVA_BYTE, i));
            }
            assertEquals(-1, p.check(s, KnownPattern.PERIOD - 5, chunk));
        }
    }

    @Test
    void aFlippedByteIsFoundAtItsPosition() {
        try (Arena a = Arena.ofConfined()) {
            KnownPattern p = new KnownPattern(a, 65536);
            MemorySegment got = a.allocate(65536);
            got.copyFrom(p.slice(1000, 65536));
            got.set(JAVA_BYTE, 777, (byte) (got.get(JAVA_BYTE, 777) ^ 1));
            assertEquals(777, p.check(got, 1000, 65536));
        }
    }

    @Test
    void aReadLongerThanThePeriodIsCheckedWholeAndAFlipInItsLastPeriodIsFound() {
        try (Arena a = Arena.ofConfined()) {
            long len = 1 << 20; // 16 periods: compared a period at a time
            KnownPattern p = new KnownPattern(a, len);
            MemorySegment got = a.allocate(len);
            long offset = 5 * KnownPattern.PERIOD + 123;
            got.copyFrom(p.slice(offset, len));
            assertEquals(-1, p.check(got, offset, len));
            long at = len - 3;
            got.set(JAVA_BYTE, at, (byte) (got.get(JAVA_BYTE, at) ^ 0x40));
            assertEquals(at, p.check(got, offset, len));
            // the right bytes at the wrong offset: off by one period minus one
            got.copyFrom(p.slice(offset + 1, len));
            assertNotEquals(-1, p.check(got, offset, len));
        }
    }

    @Test
    void aShiftedStreamDoesNotMatch() {
        try (Arena a = Arena.ofConfined()) {
            KnownPattern p = new KnownPattern(a, 4096);
            // a whole 4 KiB write lost: what arrives at offset 0 is really the bytes of offset 4096
            assertNotEquals(-1, p.check(p.slice(4096, 4096), 0, 4096));
        }
    }
}

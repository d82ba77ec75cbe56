package lab.loopback.measure;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import lab.loopback.ipc.Connection;
import org.junit.jupiter.api.Test;

/** The receiver's check, fed by a fake connection, must catch what a broken transport would do. */
class StreamReceiverTest {
    /** Serves a scripted sequence of chunks, then end of stream. */
    private static final class Scripted implements Connection {
        final Deque<byte[]> chunks = new ArrayDeque<>();

        @Override
        public long read(MemorySegment buf, long len) {
            byte[] c = chunks.poll();
            if (c == null) return 0;
            MemorySegment.copy(MemorySegment.ofArray(c), 0, buf, 0, c.length);
            return c.length;
        }

        @Override
        public long write(MemorySegment buf, long len) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public int fd() {
            return -1;
        }

        @Override
        public void close() {}
    }

    /** The receiver's RESULT line, as it goes over the child's stdout, split into its words. */
    private static String[] receive(Scripted s, int readSize) {
        try (Arena a = Arena.ofConfined()) {
            return ChildLine.format(StreamReceiverMain.receive(s, new KnownPattern(a, readSize), a.allocate(readSize)))
                    .split(" ");
        }
    }

    private static byte[] stream(long offset, int len) {
        try (Arena a = Arena.ofConfined()) {
            return new KnownPattern(a, len).slice(offset, len).toArray(JAVA_BYTE);
        }
    }

    @Test
    void anIntactStreamIsCountedAndVerified() {
        Scripted s = new Scripted();
        s.chunks.add(stream(0, 1000));
        s.chunks.add(stream(1000, 4096));
        String[] r = receive(s, 4096);
        assertEquals("RESULT", r[0]);
        assertEquals(5096, Long.parseLong(r[1]));
        assertEquals(-1, Long.parseLong(r[2]));
    }

    @Test
    void aCorruptedByteIsReportedAtItsStreamOffset() {
        Scripted s = new Scripted();
        s.chunks.add(stream(0, 4096));
        byte[] bad = stream(4096, 4096);
        bad[123] ^= 0x40;
        s.chunks.add(bad);
        assertEquals(4096 + 123, Long.parseLong(receive(s, 4096)[2]));
    }

    @Test
    void aLostChunkShiftsTheStreamAndIsCaught() {
        Scripted s = new Scripted();
        s.chunks.add(stream(0, 4096));
        s.chunks.add(stream(8192, 4096)); // the chunk at 4096 never arrived
        String[] r = receive(s, 4096);
        assertEquals(8192, Long.parseLong(r[1]));
        assertEquals(true, Long.parseLong(r[2]) >= 4096);
    }
}

package lab.loopback.measure;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The byte stream every transfer carries: a fixed pseudo-random sequence, periodic with a period that is
 * no multiple of any power-of-two write size, so a lost, repeated or reordered write shifts every later
 * byte out of place. Byte {@code i} of the stream is {@code bytes[i % PERIOD]}; the buffer holds
 * {@code PERIOD + maxChunk} bytes so any chunk starting anywhere in the period is one contiguous slice
 * (sending needs no copy, checking is one vectorised {@link MemorySegment#mismatch}).
 */
public final class KnownPattern {
    /**
     * 65537, a prime: no power-of-two chunk is a multiple of it, so chunks start at ever different places in
     * the period and a lost or repeated chunk shifts the bytes after it. Small enough that sender and
     * checker touch about as much memory as iperf3's single buffer does (a 1 MiB period cost 8 % at
     * 128 KiB writes, the checker missing L2).
     */
    public static final long PERIOD = 65537;

    private static final long SEED = 0x5DEECE66DL;

    private final MemorySegment bytes;
    private final long maxChunk;

    public KnownPattern(Arena arena, long maxChunk) {
        if (maxChunk <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + maxChunk);
        this.maxChunk = maxChunk;
        long size = PERIOD + maxChunk;
        this.bytes = arena.allocate(size, 64);
        long x = SEED;
        long whole = PERIOD & ~7L;
        for (long i = 0; i < whole; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17; // xorshift64
            bytes.set(JAVA_LONG_UNALIGNED, i, x);
        }
        for (long i = whole; i < PERIOD; i++) bytes.set(JAVA_BYTE, i, (byte) (x >>> (8 * (i - whole))));
        // repeat the period after itself so a chunk starting anywhere in it is one contiguous slice
        for (long off = PERIOD; off < size; off += PERIOD) {
            MemorySegment.copy(bytes, 0, bytes, off, Math.min(PERIOD, size - off));
        }
    }

    /** The slice that holds stream bytes {@code [offset, offset + len)}. */
    public MemorySegment slice(long offset, long len) {
        if (len > maxChunk)
            throw new IllegalArgumentException("chunk " + len + " exceeds pattern capacity " + maxChunk);
        return bytes.asSlice(offset % PERIOD, len);
    }

    /**
     * Compares {@code len} received bytes with the stream at {@code offset}; returns -1 when all equal, else
     * the index within {@code received} of the first wrong byte. One vectorised comparison: ~31 µs per MiB here
     * ({@code PatternCheckBenchmark}), comparing a period at a time against a cache-resident pattern was no faster.
     */
    public long check(MemorySegment received, long offset, long len) {
        long start = offset % PERIOD;
        return MemorySegment.mismatch(received, 0, len, bytes, start, start + len);
    }

    public long maxChunk() {
        return maxChunk;
    }
}

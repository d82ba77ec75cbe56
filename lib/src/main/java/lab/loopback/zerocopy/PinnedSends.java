package lab.loopback.zerocopy;

import java.util.HashMap;
import java.util.Map;

/**
 * SEND_ZC requests whose pages the kernel still holds: each is counted from its completion (with IORING_CQE_F_MORE)
 * until its notification, which carries the same user_data. A failed send may still get a notification; it is
 * awaited too but pinned nothing and reports nothing.
 */
final class PinnedSends {
    /** Of the limit, the share our sends may pin; the rest is left to the rest of this user's pinned memory. */
    static final int SHARE_DIVISOR = 2;

    private final Map<Long, Integer> bytesByTag = new HashMap<>();
    private long bytes;

    /** The in-flight cap for a pin budget ({@link Long#MAX_VALUE}: none). */
    static long capOf(long budget) {
        return budget == Long.MAX_VALUE ? Long.MAX_VALUE : budget / SHARE_DIVISOR;
    }

    void pinned(long tag, int n) {
        bytesByTag.put(tag, n);
        bytes += n;
    }

    /** A send that failed but whose notification will still come. */
    void failed(long tag) {
        bytesByTag.put(tag, -1);
    }

    /** The notification of {@code tag} arrived; true when it belongs to a send that moved bytes. */
    boolean released(long tag) {
        Integer n = bytesByTag.remove(tag);
        if (n == null || n < 0) return false;
        bytes -= n;
        return true;
    }

    long bytes() {
        return bytes;
    }

    int pending() {
        return bytesByTag.size();
    }
}

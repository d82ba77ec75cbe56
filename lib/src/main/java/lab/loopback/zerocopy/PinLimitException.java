package lab.loopback.zerocopy;

import java.io.Serial;
import lab.loopback.sys.LockedMemory;

/**
 * A zero-copy send that this process may not pin: its pages would pass RLIMIT_MEMLOCK. Not a failure of the host's
 * kernel but a limit of this session, so experiments report it as NOT_TESTABLE_HERE with {@link #getMessage()}.
 */
public final class PinLimitException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private PinLimitException(String message) {
        super(message);
    }

    static PinLimitException forSend(long bytes, long budget) {
        return new PinLimitException(
                "io_uring SEND_ZC pins each send's pages against RLIMIT_MEMLOCK until its notification; a send of "
                        + bytes + " bytes does not fit this process's locked-memory limit of "
                        + LockedMemory.describe(budget)
                        + " beside the rest of this user's pinned memory. Raise it (ulimit -l, or memlock in limits.conf) or grant CAP_IPC_LOCK.");
    }
}

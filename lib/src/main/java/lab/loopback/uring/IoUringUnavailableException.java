package lab.loopback.uring;

import java.io.Serial;

/** io_uring cannot be used by this process; {@link #availability()} says why, errno included. */
public final class IoUringUnavailableException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient IoUringSupport.Availability
            availability; // never serialized: the message carries the reason

    public IoUringUnavailableException(IoUringSupport.Availability availability) {
        super(availability.reason());
        this.availability = availability;
    }

    public IoUringSupport.Availability availability() {
        return availability;
    }
}

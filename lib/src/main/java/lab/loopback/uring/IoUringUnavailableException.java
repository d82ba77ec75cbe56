package lab.loopback.uring;

/** io_uring cannot be used by this process; {@link #availability()} says why, errno included. */
public final class IoUringUnavailableException extends RuntimeException {
    private final IoUringSupport.Availability availability;

    public IoUringUnavailableException(IoUringSupport.Availability availability) {
        super(availability.reason());
        this.availability = availability;
    }

    public IoUringSupport.Availability availability() {
        return availability;
    }
}

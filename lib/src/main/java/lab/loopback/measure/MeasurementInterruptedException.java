package lab.loopback.measure;

import java.io.Serial;

/**
 * The reader stopped a measurement (Kernel → Interrupt in a notebook, which interrupts the cell's thread). Thrown at
 * the next step of an experiment, with the thread's interrupt flag cleared, so the experiment's resources (child
 * JVMs, namespaces, tracefs instances) close as on any failure, and never turned into a verdict.
 */
public final class MeasurementInterruptedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    static final String MESSAGE = "measurement interrupted (Kernel → Interrupt); what it had started was cleaned up";

    public MeasurementInterruptedException() {
        super(MESSAGE);
    }

    private MeasurementInterruptedException(Throwable cause) {
        super(MESSAGE, cause);
    }

    /**
     * {@code failure} as the interruption it is — thrown while this thread was interrupted (the flag is cleared), or
     * caused by an InterruptedException anywhere in its chain — or null when it is a failure of its own.
     */
    public static MeasurementInterruptedException of(RuntimeException failure) {
        if (failure instanceof MeasurementInterruptedException m) return m;
        boolean interrupted = Thread.interrupted();
        for (Throwable t = failure; t != null && !interrupted; t = t.getCause())
            interrupted = t instanceof InterruptedException;
        return interrupted ? new MeasurementInterruptedException(failure) : null;
    }

    /** Throws when this thread was interrupted, clearing the flag so cleanup can wait for child processes. */
    public static void check() {
        if (Thread.interrupted()) throw new MeasurementInterruptedException();
    }
}

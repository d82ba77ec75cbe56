package lab.loopback.measure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MeasurementInterruptedExceptionTest {
    @Test
    void checkThrowsOnceAndClearsTheFlagSoCleanupCanWait() {
        Thread.currentThread().interrupt();
        assertThrows(MeasurementInterruptedException.class, MeasurementInterruptedException::check);
        assertFalse(Thread.currentThread().isInterrupted());
        MeasurementInterruptedException.check(); // not interrupted: nothing
    }

    @Test
    void aFailureIsAnInterruptionOnlyWhenOneCausedIt() {
        assertNull(MeasurementInterruptedException.of(new IllegalStateException("port in use")));
        assertNotNull(
                MeasurementInterruptedException.of(new IllegalStateException("waiting", new InterruptedException())));
        Thread.currentThread().interrupt();
        assertNotNull(MeasurementInterruptedException.of(new IllegalStateException("child ended")));
        assertFalse(Thread.currentThread().isInterrupted());
        MeasurementInterruptedException m = new MeasurementInterruptedException();
        assertSame(m, MeasurementInterruptedException.of(m));
    }
}

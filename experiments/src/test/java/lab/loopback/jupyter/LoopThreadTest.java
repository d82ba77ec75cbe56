package lab.loopback.jupyter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.channels.LoopThread;

/** The corrected channel loop thread of the kernel overlay (the class on this test's class path is the overlay's). */
class LoopThreadTest {

    /** The original's race: the thread could test its flag before start() set it and end without one iteration. */
    @Test
    void everyStartedLoopRunsItsBody() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            LoopThread t = new LoopThread("loop-" + i, 1, ran::countDown);
            t.start();
            assertTrue(ran.await(10, TimeUnit.SECONDS), "start " + i + ": the loop never ran its body");
            t.shutdown();
            t.join(10_000);
            assertFalse(t.isAlive(), "start " + i + ": the loop did not end after shutdown()");
        }
    }

    /** A request that arrives before the kernel's handler map exists throws once; the Shell loop must survive it. */
    @Test
    void aFailedIterationDoesNotEndTheLoop() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        LoopThread t = new LoopThread("shell", 1, () -> {
            third.countDown();
            if (calls.getAndIncrement() == 0) throw new NullPointerException("handlers is null");
        });
        t.start();
        try {
            assertTrue(
                    third.await(10, TimeUnit.SECONDS), "the loop stopped after the body threw; calls: " + calls.get());
        } finally {
            t.shutdown();
            t.join(10_000);
        }
        assertFalse(t.isAlive());
    }

    @Test
    void anInterruptEndsTheLoop() throws InterruptedException {
        LoopThread t = new LoopThread("hb", 50, () -> {});
        t.start();
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
    }
}

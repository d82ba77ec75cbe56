package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Replaces rapaio-jupyter-kernel 3.0.1's channel loop thread (same name, constructor and methods), placed ahead of
 * the kernel jar on the kernel's class path by the project's kernelspec.
 *
 * <p>Why: the original sets its {@code running} flag only after {@code Thread.start()}, so the new thread can test
 * the flag first, find it false and end before its first iteration; the Shell loop is then gone for the kernel's
 * life and the notebook hangs at "connecting" (about one start in four on a 2-vCPU VM). Here the flag is set
 * before the thread starts. Second, {@code Channels.connect()} starts the loops before it fills its handler map,
 * so a request arriving in that gap throws (a NullPointerException in {@code getHandler}) inside the loop body;
 * the original lets that kill the loop. Here one failed iteration is logged and the loop goes on: Jupyter clients
 * repeat {@code kernel_info_request} until one is answered.
 */
public final class LoopThread extends Thread {

    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

    private volatile boolean running;
    private final long sleepMillis;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleepMillis = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, getName() + ": one loop iteration failed; the loop goes on", e);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread exists, so its first test of the flag sees it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}

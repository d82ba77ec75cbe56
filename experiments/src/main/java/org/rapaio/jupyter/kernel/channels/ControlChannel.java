package org.rapaio.jupyter.kernel.channels;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.java.JavaEngine;
import org.rapaio.jupyter.kernel.core.java.RapaioExecutionControl;
import org.rapaio.jupyter.kernel.core.java.RapaioExecutionControlProvider;
import org.rapaio.jupyter.kernel.message.HMACDigest;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ControlInterruptReply;
import org.rapaio.jupyter.kernel.message.messages.ShellKernelInfoReply;
import org.rapaio.org.zeromq.SocketType;
import org.rapaio.org.zeromq.ZMQ;

/**
 * Replaces rapaio-jupyter-kernel 3.0.1's control channel (same name, constructor and methods), ahead of the kernel
 * jar on the kernel's class path like {@link LoopThread}.
 *
 * <p>Why: the original handles {@code interrupt_request} through the state it shares with the Shell loop — it sets
 * the one current message id to the interrupt's, runs (and so empties) the pending after-actions of the cell being
 * executed, and sends its reply on the shell socket. The interrupted cell's {@code execute_reply} then goes out
 * with a freed message id, no client can match it, and the notebook shows the cell running forever. Here an
 * interrupt is answered on this channel, as the messaging protocol says, and only cancels the running cell (see
 * {@link #runningCells()}).
 *
 * <p>The same shared state broke {@code kernel_info_request} on this channel, which the notebook server sends every
 * 0.5 s ("nudge") while a new websocket waits for its first IOPub message: one arriving while a cell runs took the
 * cell's message id and ran its after-actions, so the cell lost its output, its idle status and its reply, and the
 * client waited for ever (a CI run's first cell in a fresh kernel, on a loaded host). Here kernel_info is answered
 * on this channel from the kernel's own description, touching nothing of the cell's. Shutdown keeps the original's
 * path (the kernel ends anyway); a shell message sent here is refused, never run beside the shell's.
 */
public final class ControlChannel extends AbstractChannel {

    private static final Logger LOGGER = Logger.getLogger(ControlChannel.class.getSimpleName());
    private static final long LOOP_SLEEP = 50;

    private volatile LoopThread loopThread;

    public ControlChannel(Channels channels, ZMQ.Context context, HMACDigest hmacGenerator) {
        super(channels, "ControlChannel", context, SocketType.ROUTER, hmacGenerator);
    }

    @Override
    public void bind(ConnectionProperties connProps) {
        if (loopThread != null) throw new IllegalStateException("Channel already bound.");
        String addr = connProps.formatAddress(connProps.controlPort());
        LOGGER.info(logPrefix + "Binding to " + addr);
        socket.bind(addr);
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(socket, ZMQ.Poller.POLLIN);
        loopThread = new LoopThread("Control", LOOP_SLEEP, () -> {
            if (poller.poll(0) > 0) handle(readMessage());
        });
        loopThread.start();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void handle(Message<?> message) {
        MessageType<?> type = message.header().type();
        if (type == MessageType.CONTROL_INTERRUPT_REQUEST) {
            interrupt(message);
            return;
        }
        if (type == MessageType.SHELL_KERNEL_INFO_REQUEST) {
            kernelInfo(message);
            return;
        }
        MessageHandler handler = type == MessageType.CONTROL_SHUTDOWN_REQUEST ? channels.getHandler(type) : null;
        if (handler == null) {
            LOGGER.severe(logPrefix + "Unhandled message: " + type.name());
            return;
        }
        channels.setMsgId(message.getId());
        try {
            handler.handle(message);
        } catch (Exception e) {
            LOGGER.log(Level.SEVERE, logPrefix + "Exception handling " + type.name(), e);
        } finally {
            channels.runAfterActions();
        }
        if (channels.isMarkedForShutdown()) channels.close();
    }

    private void interrupt(Message<?> request) {
        sendMessage(new Message<>(request.getId(), MessageType.CONTROL_INTERRUPT_REPLY, new ControlInterruptReply()));
        try {
            runningCells()
                    .interrupt(); // the running cell's thread is interrupted; the workbench's experiments check for it
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOGGER.log(
                    Level.WARNING,
                    logPrefix + "could not cancel the running cell alone; interrupting the kernel's way",
                    e);
            MainApp.kernel.interrupt();
        }
    }

    /** Answers on this socket, with the request's own id: a running cell's message id and after-actions stay its own. */
    private void kernelInfo(Message<?> request) {
        try {
            Method describe = RapaioKernel.class.getDeclaredMethod("kernelInfo");
            describe.setAccessible(true);
            ShellKernelInfoReply info = (ShellKernelInfoReply) describe.invoke(MainApp.kernel);
            sendMessage(new Message<>(request.getId(), MessageType.SHELL_KERNEL_INFO_REPLY, info));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // unanswered, a client asks again or on the shell; never answered through the cell's state
            LOGGER.log(Level.WARNING, logPrefix + "could not answer kernel_info", e);
        }
    }

    /**
     * The execution control that runs the cells. The kernel's own {@code interrupt()} also shuts that control's
     * executor down and stops JShell, which races with the cancelled cell: it then reports the cell as finished
     * ('ok') instead of interrupted. Cancelling alone gives the client its error reply every time. The two private
     * fields read here belong to classes pinned by SHA-256 in kernel-overlay.properties.
     */
    private static RapaioExecutionControl runningCells() throws ReflectiveOperationException {
        Field engineField = RapaioKernel.class.getDeclaredField("javaEngine");
        engineField.setAccessible(true);
        Object engine = engineField.get(MainApp.kernel);
        Field provider = JavaEngine.class.getDeclaredField("controlProvider");
        Field id = JavaEngine.class.getDeclaredField("executionId");
        provider.setAccessible(true);
        id.setAccessible(true);
        RapaioExecutionControl control =
                ((RapaioExecutionControlProvider) provider.get(engine)).getRegisteredControl((String) id.get(engine));
        if (control == null) throw new IllegalStateException("no execution control is registered");
        return control;
    }

    @Override
    public void close() {
        if (loopThread != null) loopThread.shutdown();
        super.close();
    }

    @Override
    public void joinUntilClose() {
        if (loopThread == null) return;
        try {
            loopThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package lab.loopback.ipc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.grpc.ManagedChannel;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One end of a {@link GrpcStreams} call. Inbound messages queue up (at most {@value #WINDOW} are requested ahead
 * of the reader); a write waits until the call is ready for more (gRPC's own flow control), then sends one message
 * of up to {@value #CHUNK} bytes. Reads and writes give up after {@value #WAIT_SECONDS} s without progress.
 */
final class GrpcConnection implements Connection {
    static final int CHUNK = 1 << 20, WINDOW = 16;
    static final long WAIT_SECONDS = 60, CLOSE_WAIT_SECONDS = 10;
    private static final Object END = new Object();
    private final CallStreamObserver<byte[]> outbound;
    private final ManagedChannel channel; // null on the server side
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Object ready = new Object();
    private byte[] current;
    private int offset;
    private boolean ended, outputEnded, closed;

    GrpcConnection(CallStreamObserver<byte[]> outbound, ManagedChannel channel) {
        this.outbound = outbound;
        this.channel = channel;
        Runnable signal = () -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        };
        if (outbound instanceof ClientCallStreamObserver<byte[]> c) c.disableAutoRequestWithInitial(WINDOW);
        if (outbound instanceof ServerCallStreamObserver<byte[]> s) {
            s.disableAutoRequest();
            s.request(WINDOW);
        }
        outbound.setOnReadyHandler(signal);
    }

    /** What gRPC delivers to: messages, the peer's end of stream, or its error. */
    StreamObserver<byte[]> inbound() {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                queue.add(value);
            }

            @Override
            public void onError(Throwable t) {
                queue.add(t);
            }

            @Override
            public void onCompleted() {
                queue.add(END);
            }
        };
    }

    @Override
    public long read(MemorySegment buf, long len) {
        if (ended) return 0;
        while (current == null) {
            Object next;
            try {
                next = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("grpc: interrupted in read", e);
            }
            if (next == null) throw new IllegalStateException("grpc: nothing arrived for " + WAIT_SECONDS + " s");
            if (next == END) {
                ended = true;
                return 0;
            }
            if (next instanceof Throwable t)
                throw new IllegalStateException("grpc: the call failed: " + t.getMessage(), t);
            byte[] b = (byte[]) next;
            if (b.length > 0) {
                current = b;
                offset = 0;
            } else {
                outbound.request(1);
            }
        }
        int n = (int) Math.min(len, current.length - offset);
        MemorySegment.copy(current, offset, buf, JAVA_BYTE, 0, n);
        offset += n;
        if (offset == current.length) {
            current = null;
            outbound.request(1); // this message is consumed: let one more in
        }
        return n;
    }

    @Override
    public long write(MemorySegment buf, long len) {
        if (outputEnded) throw new IllegalStateException("write after shutdownOutput");
        int n = (int) Math.min(len, CHUNK);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        synchronized (ready) {
            while (!outbound.isReady()) {
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("grpc: the call was not ready for " + WAIT_SECONDS + " s");
                try {
                    ready.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("grpc: interrupted in write", e);
                }
            }
        }
        outbound.onNext(buf.asSlice(0, n).toArray(JAVA_BYTE));
        return n;
    }

    @Override
    public void shutdownOutput() {
        if (outputEnded) return;
        outputEnded = true;
        outbound.onCompleted();
    }

    /** No descriptor of its own (Netty owns the socket); -1. */
    @Override
    public int fd() {
        return -1;
    }

    private void awaitEnd(long seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (!ended) {
                long left = until - System.nanoTime();
                Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null || next == END || next instanceof Throwable) return;
                outbound.request(1); // an unread answer: drop it and let the next one in
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            shutdownOutput();
        } catch (RuntimeException ignored) {
            // the call is already over
        }
        if (channel != null) {
            // shutdownNow cancels the call, and messages still queued in Netty with it: wait (bounded) for the
            // server's end of stream, which it sends only after reading everything
            awaitEnd(CLOSE_WAIT_SECONDS);
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

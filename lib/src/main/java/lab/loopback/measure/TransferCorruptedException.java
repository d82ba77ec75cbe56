package lab.loopback.measure;

import java.io.Serial;

/** A transfer lost or changed bytes: it is a failed trial, never a throughput. */
public final class TransferCorruptedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient StreamTrial trial; // never serialized: the message says what went wrong

    public TransferCorruptedException(StreamTrial t) {
        super(
                t.mismatchAt() >= 0
                        ? "byte " + t.mismatchAt() + " of a " + t.transport()
                                + " transfer differs from the pattern sent"
                        : "sent " + t.bytesSent() + " bytes over " + t.transport() + " but " + t.bytesReceived()
                                + " arrived");
        this.trial = t;
    }

    public StreamTrial trial() {
        return trial;
    }
}

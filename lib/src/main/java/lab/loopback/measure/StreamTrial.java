package lab.loopback.measure;

/**
 * One timed one-way transfer. Time runs from the sender's first write to the receiver's end of stream
 * (both read CLOCK_MONOTONIC, which is system-wide). CPU is the two peer threads' own time; the
 * receiver's verification time is recorded separately so it can be taken out of the transport's cost. {@code
 * placement} is where the two peers ran ({@link Placement#id}): pinned as the runner was told, or left to the
 * scheduler.
 */
public record StreamTrial(
        String transport,
        int writeSize,
        int readSize,
        String phase,
        int index,
        long bytesSent,
        long bytesReceived,
        long mismatchAt,
        double seconds,
        long senderUserNanos,
        long senderSysNanos,
        long senderSleeps,
        long senderPreemptions,
        long receiverUserNanos,
        long receiverSysNanos,
        long receiverVerifyNanos,
        long writes,
        long reads,
        String placement) {

    /**
     * A trial from its parts by name: what the sender wrote (its bytes and calls) and its thread's CPU, and what the
     * receiving process reported at end of stream; the time runs from {@code startNanos} to the receiver's end.
     */
    public static StreamTrial of(
            String transport,
            int writeSize,
            int readSize,
            String phase,
            int index,
            long startNanos,
            StreamRunner.Sent sent,
            ThreadCpu senderCpu,
            ThreadSwitches senderSwitches,
            ChildLine.Result received,
            Placement placement) {
        return new StreamTrial(
                transport,
                writeSize,
                readSize,
                phase,
                index,
                sent.bytes(),
                received.bytes(),
                received.mismatchAt(),
                (received.endNanos() - startNanos) / 1e9,
                senderCpu.userNanos(),
                senderCpu.sysNanos(),
                senderSwitches.voluntary(),
                senderSwitches.involuntary(),
                received.userNanos(),
                received.sysNanos(),
                received.verifyNanos(),
                sent.calls(),
                received.reads(),
                placement.id());
    }

    /** The same trial under another transport's name (a file sender that ran over a stream runner's connection). */
    public StreamTrial as(String otherTransport) {
        return new StreamTrial(
                otherTransport,
                writeSize,
                readSize,
                phase,
                index,
                bytesSent,
                bytesReceived,
                mismatchAt,
                seconds,
                senderUserNanos,
                senderSysNanos,
                senderSleeps,
                senderPreemptions,
                receiverUserNanos,
                receiverSysNanos,
                receiverVerifyNanos,
                writes,
                reads,
                placement);
    }

    /** All bytes arrived and every one equals the known pattern. */
    public boolean verified() {
        return bytesReceived == bytesSent && mismatchAt < 0 && bytesSent > 0;
    }

    public double gbitPerSecond() {
        return bytesReceived * 8 / seconds / 1e9;
    }

    public double bytesPerSecond() {
        return bytesReceived / seconds;
    }

    /**
     * Both peers' CPU per byte, less the receiver's checking of the pattern. That check is timed by the wall clock
     * (a thread-CPU clock read per read would cost more than the check), which exceeds its CPU when the receiver is
     * preempted mid-check on a busy host: so at most the receiver's own CPU is taken out, never the sender's.
     */
    public double cpuNanosPerByte() {
        long receiver = Math.max(0, receiverUserNanos + receiverSysNanos - receiverVerifyNanos);
        return (double) (senderUserNanos + senderSysNanos + receiver) / bytesReceived;
    }

    public double sysNanosPerByte() {
        return (double) (senderSysNanos + receiverSysNanos) / bytesReceived;
    }
}

package lab.loopback.ipc;

import lab.loopback.sys.FdPassing;
import lab.loopback.sys.FileCalls;

/**
 * Two anonymous pipes (one per direction) between unrelated processes. The listener's side creates both with
 * pipe2(2) for every connection and hands the peer its two ends over an AF_UNIX rendezvous socket (SCM_RIGHTS),
 * which is what fork() inheritance does for related processes. The bind spec is the rendezvous path as for
 * {@link UnixStream}.
 */
public final class AnonymousPipes implements StreamTransport {
    @Override
    public String id() {
        return "pipe";
    }

    @Override
    public Listener listen(String bindSpec) {
        return Rendezvous.open("pipe", bindSpec, AnonymousPipes::handOver);
    }

    /** Creates the pipes, gives the peer the write end of the inbound one and the read end of the outbound one. */
    private static Connection handOver(UnixSocket peer) {
        int[] in = FileCalls.pipe2(FileCalls.O_CLOEXEC);
        int[] out;
        try {
            out = FileCalls.pipe2(FileCalls.O_CLOEXEC);
        } catch (RuntimeException e) {
            FdPairConnection.closeQuietly(in[0]);
            FdPairConnection.closeQuietly(in[1]);
            throw e;
        }
        try (peer) {
            FdPassing.send(peer.fd(), in[1], out[0]);
        } catch (RuntimeException e) {
            for (int fd : new int[] {in[0], out[1]}) FdPairConnection.closeQuietly(fd);
            throw e;
        } finally {
            // the peer holds its own copies now; ours must go or the reader never sees end of stream
            FdPairConnection.closeQuietly(in[1]);
            FdPairConnection.closeQuietly(out[0]);
        }
        return new FdPairConnection(in[0], out[1]);
    }

    @Override
    public Connection connect(String address) {
        try (UnixSocket s = UnixSocket.connect(address)) {
            int[] fds = FdPassing.receive(s.fd(), 2);
            return new FdPairConnection(fds[1], fds[0]);
        }
    }
}

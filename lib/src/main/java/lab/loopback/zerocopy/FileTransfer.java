package lab.loopback.zerocopy;

import lab.loopback.measure.StreamRunner;
import lab.loopback.measure.StreamTrial;
import lab.loopback.sys.Libc;

/**
 * One verified file-to-socket transfer: {@code sender} moves the whole {@link PatternFile} to the runner's
 * receiver process, which checks every byte. The file is opened inside the timed part (one call) and closed
 * there too, so a fresh descriptor starts at offset 0 every time.
 */
public final class FileTransfer {
    private FileTransfer() {}

    public static StreamTrial run(
            StreamRunner runner,
            PatternFile file,
            FileSender sender,
            int chunk,
            double seconds,
            String phase,
            int index,
            KernelNotices notices) {
        StreamTrial t = runner.trial(
                chunk,
                seconds,
                phase,
                index,
                c -> {},
                (c, deadline) -> {
                    int fd = file.open();
                    try {
                        return sender.send(fd, file.size(), c.fd(), chunk, deadline, notices);
                    } finally {
                        Libc.close(fd);
                    }
                },
                c -> {});
        return t.as(sender.id());
    }
}

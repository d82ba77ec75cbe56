package lab.loopback.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * struct msghdr, struct iovec and struct cmsghdr as x86-64/aarch64 Linux lays them out (include/linux/socket.h):
 * msghdr is {name, namelen(+4 pad), iov, iovlen, control, controllen, flags(+4 pad)} = 56 bytes; a cmsghdr
 * is {size_t len; int level; int type;} followed by data, each aligned to 8 (CMSG_ALIGN).
 */
public final class MsgHdr {
    public static final StructLayout IOVEC =
            MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    static final long CONTROLLEN_OFFSET = 40, FLAGS_OFFSET = 48, CMSG_HEADER = 16;

    /** One control message: level, type and its data. */
    public record Cmsg(int level, int type, MemorySegment data) {}

    private final MemorySegment hdr;
    private final MemorySegment control;

    /** A msghdr with one iovec over {@code data} (may be empty) and a control buffer of {@code controlBytes}. */
    public MsgHdr(Arena arena, MemorySegment data, int controlBytes) {
        hdr = arena.allocate(LAYOUT);
        MemorySegment iov = arena.allocate(IOVEC);
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, data.byteSize());
        control = arena.allocate(controlBytes, 8);
        hdr.set(ADDRESS, 16, iov);
        hdr.set(JAVA_LONG, 24, 1);
        hdr.set(ADDRESS, 32, control);
        reset();
    }

    /** Restores the control length the kernel shrinks on every call, so the header can be reused. */
    public void reset() {
        hdr.set(JAVA_LONG, CONTROLLEN_OFFSET, control.byteSize());
        hdr.set(JAVA_INT, FLAGS_OFFSET, 0);
    }

    /** The control buffer, for a sender that writes its own cmsghdr. */
    public MemorySegment control() {
        return control;
    }

    public MemorySegment segment() {
        return hdr;
    }

    public int flags() {
        return hdr.get(JAVA_INT, FLAGS_OFFSET);
    }

    /** The control messages the kernel filled in (CMSG_FIRSTHDR/CMSG_NXTHDR). */
    public List<Cmsg> controlMessages() {
        long len = hdr.get(JAVA_LONG, CONTROLLEN_OFFSET);
        List<Cmsg> out = new ArrayList<>();
        long off = 0;
        while (off + CMSG_HEADER <= len) {
            long cmsgLen = control.get(JAVA_LONG, off);
            if (cmsgLen < CMSG_HEADER || off + cmsgLen > len) break;
            out.add(new Cmsg(
                    control.get(JAVA_INT, off + 8),
                    control.get(JAVA_INT, off + 12),
                    control.asSlice(off + CMSG_HEADER, cmsgLen - CMSG_HEADER)));
            off += (cmsgLen + 7) & ~7L;
        }
        return out;
    }
}

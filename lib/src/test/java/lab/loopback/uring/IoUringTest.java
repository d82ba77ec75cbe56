package lab.loopback.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.sys.FileCalls;
import lab.loopback.sys.Libc;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binding against the real kernel: NOPs, sends and receives of real bytes, SEND_ZC notifications, SPLICE, the probe. */
class IoUringTest {
    @BeforeEach
    void needsIoUring() {
        IoUringSupport.Availability a = IoUringSupport.check();
        Assumptions.assumeTrue(a.available(), () -> "io_uring unavailable here: " + a.reason());
    }

    @Test
    void nopsCompleteWithTheirUserData() {
        try (IoUring ring = IoUring.setup(8, 0)) {
            for (int i = 0; i < 5; i++) ring.prepNop(100 + i);
            assertEquals(5, ring.submitAndWait(5));
            for (int i = 0; i < 5; i++) {
                Cqe c = ring.waitCqe();
                assertEquals(100 + i, c.userData());
                assertEquals(0, c.res());
            }
            assertEquals(null, ring.peekCqe());
            // more requests than the ring holds, in rounds: the head and tail wrap around
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < ring.sqEntries(); i++) ring.prepNop(round);
                ring.submitAndWait(ring.sqEntries());
                for (int i = 0; i < ring.sqEntries(); i++)
                    assertEquals(round, ring.waitCqe().userData());
            }
            assertThrows(IllegalStateException.class, () -> {
                for (int i = 0; i <= ring.sqEntries(); i++) ring.prepNop(0);
            });
        }
    }

    @Test
    void probeListsTheOpcodesThisBindingUses() {
        try (IoUring ring = IoUring.setup(2, 0)) {
            List<IoUring.ProbeOp> ops = ring.probe();
            for (int op : new int[] {IoUringOp.NOP, IoUringOp.SEND, IoUringOp.RECV, IoUringOp.SPLICE}) {
                assertTrue(ops.stream().anyMatch(o -> o.op() == op && o.supported()), IoUringOp.name(op));
            }
            assertEquals("IORING_OP_SEND_ZC", IoUringOp.name(47));
            assertEquals("opcode 200", IoUringOp.name(200));
        }
    }

    @Test
    void sendAndRecvMoveRealBytes() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                IoUring ring = IoUring.setup(8, 0);
                Arena a = Arena.ofConfined()) {
            byte[] msg = "through the ring, twice".getBytes();
            MemorySegment out = a.allocateFrom(ValueLayout.JAVA_BYTE, msg), in = a.allocate(64);
            ring.prepRecv(s.fd(), in, 64, 0, 2);
            ring.prepSend(c.fd(), out, msg.length, Net.MSG_NOSIGNAL, 1);
            ring.submitAndWait(2);
            Cqe first = ring.waitCqe(), second = ring.waitCqe();
            Cqe send = first.userData() == 1 ? first : second, recv = first.userData() == 2 ? first : second;
            assertEquals(msg.length, send.res());
            assertEquals(msg.length, recv.res());
            assertArrayEquals(msg, in.asSlice(0, msg.length).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, ring.enterCalls(), "one io_uring_enter submitted both and waited for both");
        }
    }

    @Test
    void sendZcDeliversAndItsNotificationIsReadAsSuch() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket s = l.accept();
                IoUring ring = IoUring.setup(8, 0);
                Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(65536, 4096), in = a.allocate(65536);
            out.fill((byte) 0x3C);
            ring.prepSendZc(
                    c.fd(), out, 65536, Net.MSG_WAITALL | Net.MSG_NOSIGNAL, IoUringOp.IORING_SEND_ZC_REPORT_USAGE, 7);
            ring.submitAndWait(1);
            Cqe result = ring.waitCqe();
            assertFalse(result.notification());
            assertEquals(65536, result.res());
            assertTrue(result.more(), "a SEND_ZC result announces its notification with IORING_CQE_F_MORE");
            long got = 0;
            while (got < 65536) got += Libc.read(s.fd(), in.asSlice(got), 65536 - got);
            assertEquals(-1, MemorySegment.mismatch(in, 0, 65536, out, 0, 65536));
            Cqe notif = ring.waitCqe();
            assertTrue(notif.notification());
            assertEquals(7, notif.userData());
            // the kernel's own word on loopback: it copied (the skbs are orphaned before delivery to a local socket)
            assertTrue(notif.reportsCopied(), "notification res=" + Integer.toHexString(notif.res()));
        }
    }

    @Test
    void spliceMovesFileBytesThroughAPipe(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "spliced by the ring");
        int fd = Libc.open(f.toString(), Net.O_RDONLY, 0);
        int[] p = FileCalls.pipe2(FileCalls.O_CLOEXEC);
        try (IoUring ring = IoUring.setup(4, 0);
                Arena a = Arena.ofConfined()) {
            ring.prepSplice(fd, 0, p[1], -1, 100, 0, 9);
            ring.submitAndWait(1);
            Cqe c = ring.waitCqe();
            assertEquals(19, c.res());
            MemorySegment buf = a.allocate(64);
            assertEquals(19, Libc.read(p[0], buf, 64));
            assertEquals("spliced by the ring", new String(buf.asSlice(0, 19).toArray(ValueLayout.JAVA_BYTE)));
        } finally {
            Libc.close(fd);
            Libc.close(p[0]);
            Libc.close(p[1]);
        }
    }

    @Test
    void badRingSizesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> IoUring.setup(0, 0));
        assertTrue(e.getMessage().contains("ring size 0"), e.getMessage());
    }
}

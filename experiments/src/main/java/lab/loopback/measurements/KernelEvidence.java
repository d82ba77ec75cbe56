package lab.loopback.measurements;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.evidence.TracedStream;
import lab.loopback.evidence.WakeupProbe;
import lab.loopback.kernel.PathContexts;
import lab.loopback.kernel.ZerocopyProbe;
import lab.loopback.measure.Bytes;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.MeasurementInterruptedException;
import lab.loopback.measure.MemcpyBaseline;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.workbench.RunContext;
import lab.loopback.zerocopy.ZeroCopyReceive;

/**
 * The kernel-testimony measurements several experiments read, each made once per run: one traced
 * transfer, the MSG_ZEROCOPY probe, the memcpy sweep. And the verdict shape they share.
 */
public final class KernelEvidence {
    /** The traced transfer's write size: large enough for full-size segments on lo, small enough to be common. */
    public static final int WRITE = 64 * 1024;

    public static final int ZEROCOPY_SENDS = 256;

    /** Untimed messages before the wake-up probe's timed ones, so the JIT and the socket buffers settle first. */
    public static final int WAKEUP_WARMUPS = 50;

    private KernelEvidence() {}

    public static TracedStream.Result traced(RunContext ctx) {
        return ctx.shared("traced-stream", () -> {
            ctx.progress("one traced " + Bytes.human(ctx.profile().tracedBytes) + " transfer to a receiver process");
            return TracedStream.run(ctx.tracefs(), ctx.receiverPort(), WRITE, ctx.profile().tracedBytes, 60);
        });
    }

    /**
     * The traced transfer again once per placement this host can arrange, the peers pinned (the shared one is left to
     * the scheduler, which moves them): who sends and hands up depends on whether they share a vCPU, so it is read per
     * placement, never pooled. Empty without tracefs. A placement whose transfer failed is kept with the reason: it
     * is corroboration, so it must not take the verdicts of the shared transfer down with it.
     */
    public static List<PlacedTransfer> placedTransfers(RunContext ctx) {
        return ctx.shared("traced-stream-placed", () -> {
            List<PlacedTransfer> out = new ArrayList<>();
            if (!ctx.tracefs().available()) return out;
            for (Placement pl : Placement.arrangeableHere()) {
                ctx.progress("one traced " + Bytes.human(ctx.profile().tracedBytes) + " transfer, " + pl.describe());
                try {
                    out.add(new PlacedTransfer(
                            pl,
                            TracedStream.contextsOnly(
                                    ctx.tracefs(),
                                    TracedStream.Route.loopback(ctx.receiverPort())
                                            .withPlacement(pl),
                                    WRITE,
                                    ctx.profile().tracedBytes,
                                    60),
                            null));
                } catch (MeasurementInterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    out.add(new PlacedTransfer(pl, null, String.valueOf(e.getMessage())));
                }
            }
            return out;
        });
    }

    /** A traced transfer and the placement its peers were pinned to; {@code result} null when it failed, and why. */
    public record PlacedTransfer(Placement placement, TracedStream.Contexts result, String failure) {
        /** Its contexts, or null when it failed or was not traced. */
        public PathContexts contexts() {
            return result == null ? null : result.contexts();
        }
    }

    /** Per placement, who sent and handed up the pinned transfer's bytes, as one line of evidence; null when none. */
    public static String placedContextsLine(List<PlacedTransfer> placed) {
        List<String> parts = new ArrayList<>();
        for (PlacedTransfer t : placed)
            if (t.contexts() != null)
                parts.add(t.placement().describe() + ": " + t.contexts().describe());
            else if (t.failure() != null)
                parts.add(t.placement().describe() + ": the transfer failed (" + t.failure() + ")");
            else
                parts.add(
                        t.placement().describe() + ": not traced (" + t.result().notTraced() + ")");
        return parts.isEmpty()
                ? null
                : "the same transfer with the peers pinned, once per placement (observed, as above): "
                        + String.join("; ", parts);
    }

    /**
     * {@link #contextsLine} of the shared traced transfer for an experiment that only reports it beside its own
     * verdict: a failed transfer becomes the line's reason instead of taking that verdict down with it.
     */
    public static String contextsLineOrWhy(RunContext ctx) {
        return contextsLineOrWhy(() -> traced(ctx));
    }

    /** As {@link #contextsLineOrWhy(RunContext)}, from {@code transfer}. */
    public static String contextsLineOrWhy(Supplier<TracedStream.Result> transfer) {
        try {
            return contextsLine(transfer.get());
        } catch (MeasurementInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            return "in whose context lo's path ran: not measured (the traced transfer failed: " + e.getMessage() + ")";
        }
    }

    /**
     * In whose context lo's path ran during the traced transfer, as one line of evidence: bytes sent and handed up, and
     * the NET_RX softirq's time, per context — or why it is not known.
     */
    public static String contextsLine(TracedStream.Result r) {
        String what = "in whose context lo's path ran during the traced transfer (observed: net:net_dev_xmit, "
                + "net:netif_receive_skb and the NET_RX softirq's irq:softirq_entry/exit in the connection's tasks and "
                + "the ksoftirqd threads, summed per context): ";
        if (r.contexts() == null)
            return what + "not traced ("
                    + (r.traced()
                            ? "this kernel lacks " + String.join(", ", TracedStream.SOFTIRQ_EVENTS)
                            : r.traceUnavailable())
                    + ")";
        PathContexts c = r.contexts();
        double fromReceiver = c.share(PathContexts.IN_RECEIVER, PathContexts.Context::sentBytes);
        double deferred = c.share(PathContexts.IN_KSOFTIRQD, PathContexts.Context::sentBytes);
        boolean inKsoftirqd = c.contexts().stream()
                .anyMatch(x -> x.context().equals(PathContexts.IN_KSOFTIRQD) && x.sent() + x.handedUp() > 0);
        return what
                + c.describe()
                + (fromReceiver > 0.01 || deferred > 0.01
                        ? "; data is sent from wherever an ACK is processed while the sender's socket still holds "
                                + "unsent data (a reading of tcp_ack → tcp_data_snd_check, net/ipv4/tcp_input.c: "
                                + "kernel source, not traced)"
                        : "")
                + (inKsoftirqd
                        ? "; per-segment tracepoint counts follow the connection's tasks only and leave out the ksoftirqd part"
                        : "");
    }

    /**
     * The small-message one-way probe (PATH-2, ZC-2): writes to a reader blocked in read() in another process, once per
     * placement of the two threads this host can arrange (one vCPU, two), never pooled.
     */
    public static List<WakeupProbe.Result> wakeup(RunContext ctx) {
        return ctx.shared("wakeup", () -> {
            List<WakeupProbe.Result> out = new ArrayList<>();
            for (Placement pl : Placement.arrangeableHere()) {
                ctx.progress(ctx.profile().wakeupMessages + " small writes to a reader blocked in read(), "
                        + pl.describe() + " (untraced, then traced)");
                out.add(WakeupProbe.run(ctx.tracefs(), ctx.profile().wakeupMessages, WAKEUP_WARMUPS, pl));
            }
            return out;
        });
    }

    /** Per placement, the untraced pass's median one-way time, e.g. "both peers on one vCPU: 14.1 µs [13.9, 14.3], 300 messages". */
    public static String oneWayMedians(List<WakeupProbe.Result> rs) {
        List<String> out = new ArrayList<>();
        for (WakeupProbe.Result r : rs) {
            Estimate e = Estimate.ofMedian(r.untraced().stream()
                    .mapToDouble(m -> m.oneWayNanos() / 1e3)
                    .toArray());
            out.add(String.format(
                    "%s: %.1f µs [%.1f, %.1f], %d messages",
                    r.placement().describe(),
                    e.median(),
                    e.low(),
                    e.high(),
                    r.untraced().size()));
        }
        return String.join("; ", out);
    }

    public static ZerocopyProbe.Result zerocopy(RunContext ctx) {
        return ctx.shared("zerocopy", () -> {
            ctx.progress("MSG_ZEROCOPY probe: " + ZEROCOPY_SENDS + " sends of " + WRITE / 1024 + " KiB");
            return ZerocopyProbe.run(ZEROCOPY_SENDS, WRITE, 5_000);
        });
    }

    /** Bytes of the TCP_ZEROCOPY_RECEIVE probe: 128 full lo segments, enough for every way the kernel may queue them. */
    public static final long ZEROCOPY_RECEIVE_BYTES = 8L << 20;

    /** TCP_ZEROCOPY_RECEIVE over lo (TLDR-2, SPL-1): the kernel's own count of payload mapped against copied. */
    public static ZeroCopyReceive.Result zerocopyReceive(RunContext ctx) {
        return ctx.shared("zerocopy-receive", () -> {
            ctx.progress("TCP_ZEROCOPY_RECEIVE probe: " + Bytes.human(ZEROCOPY_RECEIVE_BYTES) + " over lo");
            try {
                return ZeroCopyReceive.run(ZEROCOPY_RECEIVE_BYTES, WRITE);
            } catch (RuntimeException e) {
                return ZeroCopyReceive.Result.notProbed("the probe failed: " + e.getMessage());
            }
        });
    }

    /** The probe's outcome as a line of evidence, with what the kernel maps and what lo gives it. */
    public static String zerocopyReceiveLine(ZeroCopyReceive.Result r) {
        return r.describe()
                + (r.refused() == null && r.mapped() < r.bytes()
                        ? " — why (kernel source, not measured here): the kernel maps only a payload fragment that is one whole page at offset 0 of a page neither compound nor mapped elsewhere (can_map_frag, net/ipv4/tcp.c), and lo hands over the sender's skb, whose payload sits in the sender's page-fragment cache"
                        : "");
    }

    /**
     * Timed passes per memcpy size: the profile's trials, at least 9. With three, one quick run measured DRAM-sized
     * copies at 11.6 GB/s (two slow passes of three) where the next two measured 18.4 and 22.1, and TLDR-3's ratio
     * crossed a threshold on the baseline alone; a pass is 50 ms.
     */
    public static int memcpyTrials(Profile p) {
        return Math.max(p.trials, 9);
    }

    public static List<MemcpyBaseline.Point> memcpy(RunContext ctx) {
        var p = ctx.profile();
        return ctx.shared("memcpy", () -> {
            ctx.progress("memcpy baseline sweep");
            return MemcpyBaseline.sweep(p.memcpyLargest, p.memcpySecondsPerSize, memcpyTrials(p));
        });
    }

    /** Median memcpy ns per byte at the sweep's size nearest {@code size}. */
    public static double memcpyNanosPerByte(List<MemcpyBaseline.Point> pts, long size) {
        return 1e9
                / MemcpyBaseline.rateAt(pts, MemcpyBaseline.nearestSize(pts, size))
                        .median();
    }

    /**
     * The primary sources a verdict on kernel history rests on: documented, not measured here, so quoted as facts with
     * where to check them.
     */
    public static final String SOURCE_TCP_FRIENDS =
            "kernel history (documented, not measured): the nearest thing to the article's fast path was 'TCP friends', "
                    + "the patch series 'net-tcp: TCP/IP stack bypass for loopback connections' (Bruce Curtis, Google, "
                    + "posted to netdev in 2012; LWN articles 511079 and 511254), which was never merged; mainline has no "
                    + "net/ipv4/tcp_loopback.c";

    public static final String SOURCE_MSG_ZEROCOPY_LOOPBACK =
            "documented (Documentation/networking/msg_zerocopy.rst, 'Loopback'): packets sent with MSG_ZEROCOPY that are "
                    + "looped to a local socket incur a deferred copy, since a local receiver may queue them indefinitely — "
                    + "what the completion notices measured here report";

    /**
     * What the counters say of copies and losses that skb identity cannot exclude, over the traced transfer's window:
     * coalescing (which may copy a linear part), collapsing (which copies), drops, retransmissions and the backlog.
     * The counters are namespace-wide (less the background of an equally long quiet window) and softnet host-wide, so
     * whether this connection retransmitted is read from its own TCP_INFO, not from them.
     */
    public static String receiveQueue(TracedStream.Result r) {
        long ownRetrans = r.sender().bytesRetrans();
        double drops = r.counterNet("TcpExt.TCPBacklogDrop")
                + r.counterNet("TcpExt.TCPRcvQDrop")
                + r.counterNet("softnet.dropped");
        return String.format(
                "receive queue over the transfer (counters namespace-wide less background, softnet host-wide): TCPRcvCoalesce %+.0f and TCPBacklogCoalesce %+.0f — skbs merged into the one queued before them (skb_try_coalesce moves page fragments by reference and copies only a linear part that fits the tail room; counters do not say which); TCPRcvCollapsed %+.0f (tcp_collapse copies, under receive-buffer pressure); TCPBacklogDrop + TCPRcvQDrop + softnet dropped %+.0f; Tcp.RetransSegs %+.0f (TCPTimeouts %+.0f, TCPLossProbes %+.0f, TCPFastRetrans %+.0f), softnet time_squeeze %+.0f; this connection retransmitted %d B (TCP_INFO)%s",
                r.counterNet("TcpExt.TCPRcvCoalesce"),
                r.counterNet("TcpExt.TCPBacklogCoalesce"),
                r.counterNet("TcpExt.TCPRcvCollapsed"),
                drops,
                r.counterNet("Tcp.RetransSegs"),
                r.counterNet("TcpExt.TCPTimeouts"),
                r.counterNet("TcpExt.TCPLossProbes"),
                r.counterNet("TcpExt.TCPFastRetrans"),
                r.counterNet("softnet.time_squeeze"),
                ownRetrans,
                ownRetrans > 0 && drops <= 0
                        ? " — and no queue dropped anything, so that retransmission was spurious: a timer that fired before the receiver ran, or duplicate ACKs after segments overtook each other (lo delivers through per-CPU backlogs, so a sender that moves CPUs can reorder)"
                        : "");
    }

    public static ClaimVerdict notTestable(RunContext ctx, String claimId, Lack lack, String reason) {
        return ClaimVerdict.notTestable(
                ctx.claim(claimId), lack, reason, ctx.host().hostId());
    }

    /**
     * What a claim seen only through tracepoints lacked: tracefs itself, or — where tracefs is there — this
     * kernel's tracepoint (or event field) the rule reads.
     */
    public static Lack traceLack(RunContext ctx) {
        return ctx.tracefs().available() ? Lack.KERNEL : Lack.TRACEFS;
    }
}

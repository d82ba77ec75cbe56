package lab.loopback.evidence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.kernel.TraceEvent;
import lab.loopback.kernel.TraceRecorder;

/**
 * What the tracepoints of one {@link TracedStream} say about the way its segments took: how many passed
 * the lo device going out and coming in, with which checksum state and sizes, and whether the very skb
 * that left through lo is the one the receiver later copied from (the same buffer, passed by pointer).
 * Counts are lower bounds: softirq work the kernel defers to ksoftirqd falls outside the task filter.
 */
public record PathCount(
        long xmitOnLo,
        long queuedOnLo,
        long rxOnLo,
        long receivedOnLo,
        long dataReady,
        long fibLookups,
        long checksumPartial,
        long checksumOther,
        List<Long> xmitLengths,
        long dataSkbsSent,
        long sameSkbReceived,
        long sameSkbCopied) {
    /** ip_summed values of include/linux/skbuff.h. */
    static final int CHECKSUM_PARTIAL = 3;
    /** A segment shorter than this carries no payload worth following (pure ACKs are 52–66 bytes on lo). */
    public static final int DATA_LEN = 100;

    public static PathCount of(TraceRecorder.Recording rec) {
        List<TraceEvent> ev = rec.events();
        long partial = 0, other = 0;
        for (TraceEvent e : onLo(rec, "net_dev_start_xmit")) {
            if (e.field("ip_summed").equals(Integer.toString(CHECKSUM_PARTIAL))) partial++;
            else other++;
        }
        List<Long> lens = onLo(rec, "net_dev_xmit").stream()
                .map(e -> Long.parseLong(e.field("len")))
                .toList();
        // follow each data skb by its (hashed, stable within a boot) address: xmit → netif_receive_skb → copy
        Map<String, Integer> stage = new HashMap<>();
        long sent = 0, received = 0, copied = 0;
        for (TraceEvent e : ev) {
            String addr = e.field("skbaddr");
            if (addr.isEmpty()) continue;
            switch (e.event()) {
                case "net_dev_xmit" -> {
                    if (e.field("dev").equals("lo") && carriesData(e)) {
                        stage.put(addr, 1);
                        sent++;
                    } else {
                        stage.remove(addr);
                    }
                }
                case "netif_receive_skb" -> {
                    if (stage.getOrDefault(addr, 0) == 1) {
                        stage.put(addr, 2);
                        received++;
                    }
                }
                case "skb_copy_datagram_iovec" -> {
                    if (stage.getOrDefault(addr, 0) == 2) {
                        stage.put(addr, 3);
                        copied++;
                    }
                }
                default -> {}
            }
        }
        return new PathCount(
                lens.size(),
                onLo(rec, "net_dev_queue").size(),
                onLo(rec, "netif_rx").size(),
                onLo(rec, "netif_receive_skb").size(),
                rec.count("sk_data_ready"),
                rec.count("fib_table_lookup"),
                partial,
                other,
                lens,
                sent,
                received,
                copied);
    }

    /** The lo transmissions that carried payload (pure ACKs left out), in time order. */
    public static List<TraceEvent> dataXmits(TraceRecorder.Recording rec) {
        return onLo(rec, "net_dev_xmit").stream().filter(PathCount::carriesData).toList();
    }

    private static boolean carriesData(TraceEvent xmit) {
        return Long.parseLong(xmit.field("len")) >= DATA_LEN;
    }

    private static List<TraceEvent> onLo(TraceRecorder.Recording rec, String event) {
        return rec.of(event).stream().filter(e -> e.field("dev").equals("lo")).toList();
    }
}

package lab.loopback.measure;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import lab.loopback.sys.CpuAffinity;
import lab.loopback.sys.ErrnoException;

/**
 * Where the two peers of a round trip ran. On a small VM it decides the latency more than anything under test: with
 * both peers on one vCPU a blocking round trip is a pair of context switches (~13 µs here); on two, each message wakes
 * the other vCPU out of idle (~50 µs here). So a latency is reported per placement, never pooled across them.
 */
public enum Placement {
    /** Both peers' threads pinned to one CPU. */
    SAME_CPU("same-cpu", "both peers on one vCPU"),
    /** The peers' threads pinned to two different CPUs. */
    TWO_CPUS("two-cpus", "the peers on two vCPUs"),
    /** Not pinned: wherever the scheduler put them, trial by trial. */
    SCHEDULER("scheduler", "placement left to the scheduler"),
    /** A run recorded before placements were: its latencies may mix both. */
    UNRECORDED("unrecorded", "placement not recorded (may mix one and two vCPUs)");

    private final String id;
    private final String describe;

    Placement(String id, String describe) {
        this.id = id;
        this.describe = describe;
    }

    /** As tables record it. */
    public String id() {
        return id;
    }

    /** As a sentence says it. */
    public String describe() {
        return describe;
    }

    public static Placement parse(String id) {
        for (Placement p : values()) if (p.id.equals(id)) return p;
        throw new IllegalArgumentException("unknown placement '" + id + "'; known: "
                + Arrays.stream(values()).map(Placement::id).collect(Collectors.joining(", ")));
    }

    /** The placements a process allowed on {@code cpus} can arrange: both with two CPUs or more, else only one. */
    public static List<Placement> arrangeable(List<Integer> cpus) {
        if (cpus.isEmpty()) return List.of(SCHEDULER);
        return cpus.size() >= 2 ? List.of(SAME_CPU, TWO_CPUS) : List.of(SAME_CPU);
    }

    /** The placements the calling thread can arrange among the CPUs it may use now. */
    public static List<Placement> arrangeableHere() {
        return arrangeable(CpuAffinity.of(0));
    }

    /**
     * The CPUs this placement puts the two peers on, {client, server}, chosen from {@code allowed} (the first one, and
     * for {@link #TWO_CPUS} the second); an error naming both when it cannot be arranged there or is not a pinning.
     */
    public int[] cpus(List<Integer> allowed) {
        if (this != SAME_CPU && this != TWO_CPUS)
            throw new IllegalArgumentException("placement " + id + " pins no thread");
        if (!arrangeable(allowed).contains(this))
            throw new IllegalArgumentException(
                    "placement " + id + " cannot be arranged on CPUs " + allowed + "; arrangeable there: "
                            + arrangeable(allowed).stream().map(Placement::id).toList());
        return new int[] {allowed.get(0), this == TWO_CPUS ? allowed.get(1) : allowed.get(0)};
    }

    /**
     * Pins the calling thread and thread {@code peerTid} (any process's) where this placement puts a client and its
     * peer, among the CPUs the calling thread may use, until the returned pin is closed, which gives both their CPU sets
     * back. {@link #SCHEDULER} pins nothing. A mask the kernel refuses is an {@link ErrnoException}, with both threads
     * as they were.
     */
    public Pin pin(long peerTid) {
        if (this == SCHEDULER) return new Pin(peerTid, List.of(), List.of(), List.of());
        List<Integer> mine = CpuAffinity.of(0), peers = CpuAffinity.of(peerTid);
        int[] at = cpus(mine);
        Pin pin = new Pin(peerTid, mine, peers, List.of(at[0], at[1]));
        try {
            CpuAffinity.set(peerTid, List.of(at[1]));
            CpuAffinity.set(0, List.of(at[0]));
        } catch (RuntimeException e) {
            pin.close();
            throw e;
        }
        return pin;
    }

    /**
     * Two threads' CPU sets as they were before a {@link #pin}, and the CPUs it put them on ({@code at}: the calling
     * thread's, the peer's); closing restores the sets (all empty: nothing was pinned).
     */
    public record Pin(long peerTid, List<Integer> mine, List<Integer> peers, List<Integer> at)
            implements AutoCloseable {
        @Override
        public void close() {
            if (!mine.isEmpty()) CpuAffinity.set(0, mine);
            if (!peers.isEmpty()) {
                try {
                    CpuAffinity.set(peerTid, peers);
                } catch (RuntimeException gone) {
                    // the peer exited: nothing left to restore
                }
            }
        }
    }

    /**
     * The placements of round {@code round} in the order to run them: alternating which goes first (ABBA), so neither
     * placement always follows the other and a drift over the rounds falls on both alike.
     */
    public static List<Placement> order(List<Placement> placements, int round) {
        if (placements.size() < 2 || round % 2 == 0) return placements;
        return placements.reversed();
    }
}

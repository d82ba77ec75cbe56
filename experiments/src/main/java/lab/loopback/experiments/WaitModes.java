package lab.loopback.experiments;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Verdict;
import lab.loopback.echo.PingPong;
import lab.loopback.ipc.TcpSocket;
import lab.loopback.ipc.Transports;
import lab.loopback.ipc.WaitMode;
import lab.loopback.measure.Estimate;
import lab.loopback.measure.Placement;
import lab.loopback.measure.Profile;
import lab.loopback.measurements.Conditions;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.rule.Shown;
import lab.loopback.sys.Net;
import lab.loopback.sys.SockAddrIn;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;

/**
 * MORE-1 "How loopback interacts with epoll()". 64-byte request/response over TCP lo with both ends waiting the
 * same way: a blocking read, epoll_wait on a non-blocking socket, a spinning non-blocking read, and a blocking read
 * with SO_BUSY_POLL. Per mode the round-trip distribution and, from the kernel's accounting of the client thread,
 * how often it slept and how much CPU a round trip cost. Whether busy polling has anything to poll on lo is asked
 * of the kernel: SO_INCOMING_NAPI_ID of a loopback socket.
 */
@Measures(
        name = "wait-modes",
        claims = {"MORE-1"})
public final class WaitModes implements Experiment {
    static final int SIZE = 64;

    /**
     * One wait mode's round trips in one placement of the peers (each value the median over the timed rounds; p50 with
     * its interval) and its p50 ÷ the blocking read's in the same round and placement (median with interval).
     */
    public record Row(
            String mode,
            String placement,
            double p50Micros,
            double low,
            double high,
            double p99Micros,
            double sleepsPerRoundTrip,
            double clientCpuMicrosPerRoundTrip,
            long roundTrips,
            double ratioToBlocking,
            double ratioLow,
            double ratioHigh) {}

    /**
     * The smallest change of the round trip that counts as an interaction, the workbench's usual 10 %. It was 20 %
     * while the modes ran one after the other (one quick run put epoll 57 % above a blocking read, the next two 11-14 %);
     * measured in the same rounds, epoll ÷ blocking was 1.15-1.20 in six quick runs, each interval within ±0.03.
     */
    static final double MEASURABLE = Conditions.MARGIN;

    private static final String RATIO = "the median per-round ratio of epoll's round trip to the blocking read's";

    /**
     * The finding: epoll's round trip is measurably apart from the blocking read's. Per round, not pooled: run one after
     * the other, the modes' difference was the host's state.
     */
    static final Condition<Row> INTERACTS = Condition.below(
                    "the upper end of the interval of " + RATIO, Row::ratioHigh, 1, Shown.PLAIN)
            .and(Condition.atMost(RATIO, Row::ratioToBlocking, 1 - MEASURABLE, Shown.PLAIN))
            .or(Condition.above("the lower end of the interval of " + RATIO, Row::ratioLow, 1, Shown.PLAIN)
                    .and(Condition.atLeast(RATIO, Row::ratioToBlocking, 1 + MEASURABLE, Shown.PLAIN)));

    /** The other finding: the two wake alike, shown by the whole interval within the margin (an equivalence test). */
    static final Condition<Row> ALIKE = Conditions.equivalent(RATIO, Row::ratioLow, Row::ratioHigh);

    static final Rule<Row> RULE = Rule.topic(
            "MORE-1", "whether " + INTERACTS.describe() + ", or whether they are shown alike: " + ALIKE.describe());

    static Verdict judge(Row epoll) {
        return RULE.judge(epoll);
    }

    /** The trials of one wait mode in one placement of the peers. */
    record Cell(WaitMode mode, Placement placement) {}

    /**
     * Every mode's server up at once, each warmed up, then rounds that run every mode once in every placement the host
     * can arrange (both peers on one vCPU, on two), modes in rotated order and placements alternating, so the modes
     * share whatever the host was doing in that round. Each placed trial gets its share of the profile's time. Per mode
     * and placement, its timed trials in round order.
     */
    private static Map<Cell, List<PingPong.Trial>> rounds(RunContext ctx, List<WaitMode> modes) {
        Profile p = ctx.profile();
        List<Placement> placements = Placement.arrangeableHere();
        double seconds = p.pingPongSeconds / placements.size();
        int roundTrips = Math.max(1, p.pingPongRoundTrips / placements.size());
        Map<WaitMode, PingPong> servers = new EnumMap<>(WaitMode.class);
        try {
            for (WaitMode m : modes) servers.put(m, PingPong.start(Transports.byId("tcp-lo"), "", 300, List.of(), m));
            for (WaitMode m : modes) {
                ctx.progress("64-byte round trips over TCP lo, warming up " + m);
                for (int i = 0; i < p.warmups; i++)
                    for (Placement pl : placements) servers.get(m).trial(SIZE, "warmup", i, roundTrips, seconds, pl);
            }
            Map<Cell, List<PingPong.Trial>> out = new LinkedHashMap<>();
            for (Placement pl : placements) modes.forEach(m -> out.put(new Cell(m, pl), new ArrayList<>()));
            int rounds = Conditions.rounds(p);
            for (int round = 0; round < rounds; round++) {
                ctx.progress("64-byte round trips over TCP lo by wait mode, round " + (round + 1) + " of " + rounds);
                for (Placement pl : Placement.order(placements, round))
                    for (int i : Conditions.order(round, modes.size())) {
                        WaitMode m = modes.get(i);
                        PingPong.Trial t = servers.get(m).trial(SIZE, "timed", round, roundTrips, seconds, pl);
                        // filed under the placement that was arranged, should the kernel have refused the pinning
                        out.computeIfAbsent(new Cell(m, Placement.parse(t.placement())), k -> new ArrayList<>())
                                .add(t);
                    }
            }
            return out;
        } finally {
            servers.values().forEach(PingPong::close);
        }
    }

    /** Why SO_BUSY_POLL cannot be set here, or null. */
    static String busyPollRefused() {
        try (TcpSocket s = TcpSocket.open()) {
            s.setInt(Net.SOL_SOCKET, Net.SO_BUSY_POLL, WaitMode.BUSY_POLL_MICROS);
            return null;
        } catch (RuntimeException e) {
            return "setsockopt(SO_BUSY_POLL, " + WaitMode.BUSY_POLL_MICROS + ") refused: " + e.getMessage();
        }
    }

    /** SO_INCOMING_NAPI_ID of the receiving end of a loopback connection after one byte arrived (0 = no NAPI context). */
    static int loopbackNapiId() {
        try (TcpSocket l = TcpSocket.listen(SockAddrIn.loopback(0), 1);
                TcpSocket c = TcpSocket.connect(l.localAddress());
                TcpSocket a = l.accept();
                Arena arena = Arena.ofConfined()) {
            var b = arena.allocate(1);
            c.writeFully(b, 1);
            a.read(b, 1);
            return a.getInt(Net.SOL_SOCKET, Net.SO_INCOMING_NAPI_ID);
        }
    }

    /**
     * MORE-1 from the recorded modes table: the EPOLL row's ratio to the blocking read, per placement of the peers (one
     * row, "unrecorded", for runs before placements were).
     */
    static RecordedRule.Judgement fromTables(Recorded r) {
        List<Row> epoll = RecordTable.rows(
                        RecordTable.withDefault(r.table("modes"), "placement", Placement.UNRECORDED.id()), Row.class)
                .stream()
                .filter(x -> x.mode().equals("EPOLL"))
                .toList();
        if (epoll.isEmpty())
            throw new Recorded.MissingTableException("the run's table 'modes' of wait-modes has no row for EPOLL");
        return new RecordedRule.Judgement(
                judge(epoll.getFirst()),
                null,
                String.join(
                        "; ",
                        epoll.stream()
                                .map(x -> String.format(
                                        "epoll ÷ blocking read within a round, %s: median %.3f [%.3f, %.3f]",
                                        x.placement(), x.ratioToBlocking(), x.ratioLow(), x.ratioHigh()))
                                .toList()));
    }

    /** One mode's row in one placement, its per-round ratio paired with the blocking read's trial of the same round. */
    private static Row row(Cell cell, List<PingPong.Trial> t, List<PingPong.Trial> blocking) {
        Estimate e = Estimate.ofMedian(
                t.stream().mapToDouble(x -> x.stats().p50Micros()).toArray());
        Map<Integer, Double> base = new HashMap<>();
        if (blocking != null)
            blocking.forEach(b -> base.put(b.index(), b.stats().p50Micros()));
        double[] perRound = t.stream()
                .filter(x -> base.containsKey(x.index()))
                .mapToDouble(x -> x.stats().p50Micros() / base.get(x.index()))
                .toArray();
        Estimate ratio = perRound.length == 0
                ? new Estimate(Double.NaN, Double.NaN, Double.NaN, 0, 0)
                : Estimate.ofMedian(perRound);
        return new Row(
                cell.mode().name(),
                cell.placement().id(),
                e.median(),
                e.low(),
                e.high(),
                Estimate.medianOf(t, x -> x.stats().p99Micros()),
                Estimate.medianOf(t, PingPong.Trial::sleepsPerRoundTrip),
                Estimate.medianOf(t, PingPong.Trial::clientCpuMicrosPerRoundTrip),
                t.stream().mapToLong(x -> x.stats().roundTrips()).sum(),
                ratio.median(),
                ratio.low(),
                ratio.high());
    }

    /** What the rows of {@code epoll}'s placement say, as a sentence. */
    private static String summary(Row epoll, List<Row> rows) {
        Row blocking = find(rows, "BLOCKING", epoll.placement()), spin = find(rows, "SPIN", epoll.placement());
        String where = Placement.parse(epoll.placement()).describe();
        return String.format(
                INTERACTS.holds(epoll)
                        ? "With %s, waiting in epoll_wait changes a loopback round trip measurably: %.1f µs median against %.1f µs with a blocking read (%.2f× in the same round)%s."
                        : ALIKE.holds(epoll)
                                ? "With %s, epoll_wait and a blocking read wake alike on loopback: %.1f against %.1f µs median (%.2f× in the same round, its interval within ±"
                                        + Math.round(MEASURABLE * 100) + "%%)%s."
                                : "With %s, whether epoll_wait and a blocking read wake differently is undecided: %.1f against %.1f µs median (%.2f× in the same round, an interval neither apart from 1 nor within ±"
                                        + Math.round(MEASURABLE * 100) + "%%)%s.",
                where,
                epoll.p50Micros(),
                blocking.p50Micros(),
                epoll.ratioToBlocking(),
                spin == null
                        ? ""
                        : spin.high() < blocking.low()
                                ? String.format(
                                        "; not sleeping at all is faster (spinning: %.1f µs, %.1f µs CPU per round trip)",
                                        spin.p50Micros(), spin.clientCpuMicrosPerRoundTrip())
                                : spin.low() > blocking.high()
                                        ? String.format(
                                                "; spinning is slower here (%.1f µs): the spinner holds the CPU its peer needs",
                                                spin.p50Micros())
                                        : "");
    }

    private static Row find(List<Row> rows, String mode, String placement) {
        return rows.stream()
                .filter(r -> r.mode().equals(mode) && r.placement().equals(placement))
                .findFirst()
                .orElse(null);
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        Profile p = ctx.profile();
        String busy = busyPollRefused();
        List<WaitMode> modes = Arrays.stream(WaitMode.values())
                .filter(m -> m != WaitMode.BUSY_POLL || busy == null)
                .toList();
        Map<Cell, List<PingPong.Trial>> timed = rounds(ctx, modes);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Cell, List<PingPong.Trial>> e : timed.entrySet())
            if (!e.getValue().isEmpty())
                rows.add(row(
                        e.getKey(),
                        e.getValue(),
                        timed.get(new Cell(WaitMode.BLOCKING, e.getKey().placement()))));
        o.table("modes", RecordTable.of("modes", Row.class, rows));
        int napi = loopbackNapiId();
        List<String> ev = new ArrayList<>();
        for (Row r : rows) {
            ev.add(String.format(
                    "%s, %s: p50 %.1f µs [%.1f, %.1f], %.2f× the blocking read's in the same round [%.2f, %.2f], p99 %.1f; the client slept %.2f times and used %.1f µs of CPU per round trip (%d round trips)",
                    r.mode(),
                    Placement.parse(r.placement()).describe(),
                    r.p50Micros(),
                    r.low(),
                    r.high(),
                    r.ratioToBlocking(),
                    r.ratioLow(),
                    r.ratioHigh(),
                    r.p99Micros(),
                    r.sleepsPerRoundTrip(),
                    r.clientCpuMicrosPerRoundTrip(),
                    r.roundTrips()));
        }
        ev.add("SO_INCOMING_NAPI_ID of a loopback socket: " + napi
                + (napi == 0
                        ? " — loopback traffic has no NAPI instance of its own for busy polling to poll (it arrives through the per-CPU backlog)"
                        : ""));
        if (busy != null) ev.add("SO_BUSY_POLL not measured: " + busy);
        ev.add(
                "how epoll meets loopback (kernel source, not measured here): lo's receive path ends in the socket's sk_data_ready, which wakes a reader blocked in read() and one in epoll_wait alike; after epoll_wait the reader still needs a read() for the data");
        ev.add(RULE.evidence() + " — over " + Conditions.rounds(p) + " rounds, within each placement of the peers");
        ev.add(
                "placement: client and server threads pinned to one vCPU, or to two, for each whole trial; a spinning reader has no CPU of its own on one vCPU, so there it waits for the scheduler to preempt it");
        List<Row> epolls = rows.stream().filter(r -> r.mode().equals("EPOLL")).toList();
        Verdict v = judge(epolls.getFirst());
        String summary =
                String.join(" ", epolls.stream().map(e -> summary(e, rows)).toList());
        o.verdict(ctx.judged("MORE-1", v)
                .summary(summary)
                .measured(
                        epolls.getFirst().p50Micros(),
                        "µs median round trip with epoll, " + epolls.getFirst().placement())
                .evidence(ev)
                .build());
        CategoryChart c = Charts.bars("MORE-1: 64-byte round trip over TCP lo by wait mode", "", "µs (log)");
        List<Placement> placements = rows.stream()
                .map(r -> Placement.parse(r.placement()))
                .distinct()
                .toList();
        for (int i = 0; i < placements.size(); i++) {
            Placement pl = placements.get(i);
            List<Row> at =
                    rows.stream().filter(r -> r.placement().equals(pl.id())).toList();
            c.addSeries(
                            "p50, " + pl.describe(),
                            at.stream().map(Row::mode).toList(),
                            at.stream().map(Row::p50Micros).toList())
                    .setFillColor(i == 0 ? Charts.MEASURED : Charts.REFERENCE);
        }
        // spinning on a shared vCPU costs milliseconds, blocking microseconds: one axis shows both only in log; XChart
        // draws log-scaled bars only from a floor above zero (1 µs: no TCP round trip here is shorter)
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(1.0);
        o.figure(new Figure(
                "wait-modes",
                List.of("MORE-1"),
                "Measured: closed-loop 64-byte round trips over TCP lo with both ends waiting the same way, median per placement of the peers; the article promises an account of loopback and epoll().",
                c));
        return o;
    }
}

package lab.loopback.experiments;

import lab.loopback.claim.Verdict;
import lab.loopback.evidence.TracedStream;
import lab.loopback.ipc.Connection;
import lab.loopback.ipc.NonBlocking;
import lab.loopback.measure.Profile;
import lab.loopback.measure.StreamRunner;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * FAIL-5: "it degrades to the regular copy path if you mix blocking and non-blocking socket flags incorrectly".
 * Blocking and O_NONBLOCK peers in every combination (a non-blocking end waits in poll(2) on EAGAIN), and a
 * non-blocking sender that retries at once — the usual "incorrect" use. Every byte is verified either way.
 */
public final class BlockingModes implements Experiment {
    static final int WRITE = 64 * 1024;

    /** One pairing: how the sender and the receiver treat their sockets. */
    record Mode(String name, boolean nonBlockingReader, boolean nonBlockingSender, boolean spin) {
        UnaryOperator<Connection> sender(List<NonBlocking> seen) {
            if (!nonBlockingSender) return UnaryOperator.identity();
            return c -> {
                NonBlocking n = new NonBlocking(c, spin);
                seen.add(n);
                return n;
            };
        }
    }

    static final List<Mode> MODES = List.of(
            new Mode("blocking → blocking", false, false, false),
            new Mode("non-blocking sender (poll) → blocking", false, true, false),
            new Mode("blocking → non-blocking receiver (poll)", true, false, false),
            new Mode("non-blocking → non-blocking (poll)", true, true, false),
            new Mode("non-blocking sender retrying at once → blocking", false, true, true));

    @Override
    public String name() {
        return "blocking-modes";
    }

    @Override
    public List<String> claims() {
        return List.of("FAIL-5");
    }

    @Override
    public Outcome run(RunContext ctx) {
        Outcome o = new Outcome(name());
        Profile p = ctx.profile();
        List<Conditions.Trial> trials = new ArrayList<>();
        List<List<NonBlocking>> senders = new ArrayList<>();
        for (Mode ignored : MODES) senders.add(new ArrayList<>());
        try (StreamRunner runner = StreamRunner.start(lab.loopback.ipc.Transports.byId("tcp-lo"), ctx.receiverPort(), 600)) {
            for (int round = -1; round < p.trials; round++) {
                ctx.progress("blocking and non-blocking peers, round " + (round + 2) + " of " + (p.trials + 1));
                for (int i = 0; i < MODES.size(); i++) {
                    Mode m = MODES.get(i);
                    runner.nonBlockingReader(m.nonBlockingReader()).senderWrap(m.sender(round < 0 ? new ArrayList<>() : senders.get(i)));
                    var t = runner.trial(WRITE, p.trialSeconds, p.trialMaxBytes, round < 0 ? "warmup" : "timed", round);
                    if (round >= 0) trials.add(Conditions.trial(m.name(), round, t));
                }
            }
        }
        List<Double> copies = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int i = 0; i < MODES.size(); i++) {
            Mode m = MODES.get(i);
            ctx.progress("traced transfer, " + m.name());
            TracedStream.Route route = TracedStream.Route.loopback(ctx.receiverPort()).withReader(m.nonBlockingReader()).withSender(m.sender(new ArrayList<>()));
            copies.add(Conditions.copies(TracedStream.run(ctx.tracefs(), route, WRITE, p.tracedBytes, 60, s -> { })));
            long eagain = senders.get(i).stream().mapToLong(NonBlocking::wouldBlock).sum(), polls = senders.get(i).stream().mapToLong(NonBlocking::polls).sum();
            double cpu = trials.stream().filter(t -> t.condition().equals(m.name())).mapToDouble(Conditions.Trial::senderCpuNsPerByte).average().orElse(Double.NaN);
            details.add(String.format("sender CPU %.3f ns/B%s", cpu, m.nonBlockingSender() ? String.format(", %d EAGAIN and %d poll() over the timed trials", eagain, polls) : ""));
        }
        List<String> names = MODES.stream().map(Mode::name).toList();
        List<Conditions.Summary> rows = Conditions.summarize(trials, names, copies, details);
        o.table("trials", RecordTable.of("trials", Conditions.Trial.class, trials));
        Conditions.figures(o, "FAIL-5", "blocking and non-blocking peers", "sender → receiver", rows);
        Verdict v = Conditions.degradeVerdict(rows);
        List<String> ev = Conditions.evidence(rows, p.trials);
        ev.add("O_NONBLOCK changes what a call does when it would wait (EAGAIN instead of sleeping), not how the bytes travel: the same tcp_sendmsg/tcp_recvmsg copies run");
        ev.add(Conditions.rule());
        o.verdict(KernelEvidence.verdict(ctx.claim("FAIL-5"), v, Conditions.summary(v, rows, "Mixing blocking and non-blocking peers"),
                rows.stream().mapToDouble(Conditions.Summary::ratioToBaseline).min().orElse(1), null, "lowest throughput / blocking pair's", ev, ctx));
        return o;
    }
}

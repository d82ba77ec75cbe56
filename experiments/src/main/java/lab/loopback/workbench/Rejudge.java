package lab.loopback.workbench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Lack;
import lab.loopback.claim.Verdict;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.RunStore;
import lab.loopback.rule.Rule;
import lab.loopback.sys.Command;

/**
 * {@code ./lab rejudge RUN_DIR}: a finished run judged again with today's rules, from its recorded tables only. The
 * run's own verdicts.json is history and stays as it is; the new verdicts go to rejudged.json beside it, naming the
 * rules' commit. A claim the run did not judge, or judged before its experiment recorded the facts today's rule
 * reads, is carried over as recorded, saying why.
 */
public final class Rejudge {
    public static final String FILE = "rejudged.json";

    public enum How {
        /** Today's rule applied to the run's tables. */
        REJUDGED,
        /** The recorded verdict kept: its rule is not yet separated from measuring, or the run did not judge it. */
        CARRIED
    }

    /** {@code why}: for a carried verdict, why it was not rejudged. */
    public record Entry(String claim, How how, ClaimVerdict recorded, ClaimVerdict now, String why) {
        public Entry(String claim, How how, ClaimVerdict recorded, ClaimVerdict now) {
            this(claim, how, recorded, now, how == How.CARRIED ? "not judged in this run" : "");
        }

        public boolean changed() {
            return recorded.verdict() != now.verdict() || !sameNumber(recorded.measured(), now.measured());
        }

        public String describe() {
            String line = claim + ": " + recorded.verdict() + " → " + now.verdict();
            if (!sameNumber(recorded.measured(), now.measured()))
                line += "; measured " + recorded.measured() + " → " + now.measured();
            return line;
        }
    }

    public record Result(Path run, String rules, List<Entry> entries) {
        public List<Entry> changed() {
            return entries.stream().filter(Entry::changed).toList();
        }

        public long rejudged() {
            return entries.stream().filter(e -> e.how() == How.REJUDGED).count();
        }

        /** What ./lab rejudge prints for this run. */
        public String describe() {
            StringBuilder b = new StringBuilder(run.toString()).append(": ");
            b.append(String.format(
                    "%d of %d claims rejudged with the rules of %s; %d carried as recorded (not judged in this run, or judged before the facts its rule reads were recorded)%n",
                    rejudged(), entries.size(), rules, entries.size() - rejudged()));
            for (Entry e : entries)
                if (e.how() == How.CARRIED && judged(e.recorded()))
                    b.append("  carried ")
                            .append(e.claim())
                            .append(": ")
                            .append(e.why())
                            .append('\n');
            List<Entry> changed = changed();
            if (changed.isEmpty()) b.append("  no verdict or measured value changed\n");
            for (Entry e : changed) b.append("  ").append(e.describe()).append('\n');
            return b.toString();
        }
    }

    private Rejudge() {}

    /** A verdict a rule gave: neither unjudged for want of something nor unselected. */
    private static boolean judged(ClaimVerdict v) {
        return v.verdict() != Verdict.NOT_TESTABLE_HERE && v.verdict() != Verdict.NOT_YET_MEASURED;
    }

    /** {@code rules}: what names today's rules in rejudged.json (a commit id). */
    public static Result of(Path given, ClaimLedger ledger, String rules) {
        Path run = RunStore.finishedRun(given);
        List<Entry> entries = new ArrayList<>();
        for (ClaimVerdict v : RunStore.verdicts(run)) {
            RecordedRule rule = Experiments.recordedRules().get(v.claim());
            if (!judged(v)) {
                entries.add(new Entry(v.claim(), How.CARRIED, v, v));
                continue;
            }
            if (rule == null) throw new IllegalStateException(v.claim() + " has no rule over recorded tables");
            try {
                entries.add(new Entry(v.claim(), How.REJUDGED, v, apply(rule, ledger.claim(v.claim()), v, run, rules)));
            } catch (Recorded.PredatesException e) {
                entries.add(new Entry(v.claim(), How.CARRIED, v, v, e.getMessage()));
            }
        }
        return new Result(run, rules, List.copyOf(entries));
    }

    /**
     * Why {@code judged}, decided while measuring, is not what the claim's rule says of the tables the run just wrote
     * into {@code run} (a finished or partial run directory); null when it is, or when nothing was judged. A non-null
     * answer is a bug of the workbench: measuring and judging must not disagree.
     */
    public static String disagreement(Claim c, ClaimVerdict judged, Path run) {
        if (!judged(judged)) return null;
        RecordedRule rule = Experiments.recordedRules().get(c.id());
        if (rule == null) return c.id() + " has no rule over recorded tables";
        ClaimVerdict again;
        try {
            again = apply(rule, c, judged, run, "this run");
        } catch (Recorded.PredatesException e) {
            return c.id() + ": " + e.getMessage();
        }
        Entry e = new Entry(c.id(), How.REJUDGED, judged, again);
        return e.changed()
                ? c.id() + " was judged " + judged.verdict() + " (measured " + judged.measured()
                        + ") while measuring, but its rule over the tables this run recorded says " + again.verdict()
                        + " (" + again.measured() + "): " + again.summary()
                : null;
    }

    public static ClaimVerdict apply(RecordedRule rule, Claim c, ClaimVerdict recorded, Path run, String rules) {
        String experiment = Experiments.forClaim(c.id()).name();
        RecordedRule.Judgement j;
        try {
            if (!RunStore.has(run, experiment))
                throw new Recorded.MissingTableException("the run has no results of experiment " + experiment);
            j = rule.judge(new Recorded(c, recorded, RunStore.load(run, experiment), run));
        } catch (Recorded.MissingTableException e) {
            String why = "Not rejudged: " + e.getMessage() + ", which today's rule reads.";
            return ClaimVerdict.notTestable(c, Lack.NO_DATA, why, recorded.host());
        }
        boolean same = j.verdict() == recorded.verdict()
                && (j.measured() == null || sameNumber(j.measured(), recorded.measured()));
        String summary = same
                ? recorded.summary()
                : "Rejudged with the rules of " + rules + ": " + j.inputs() + " → " + j.verdict()
                        + ". The run recorded " + recorded.verdict() + ": " + recorded.summary();
        List<String> evidence = new ArrayList<>(recorded.evidence());
        if (!same)
            evidence.replaceAll(line -> line.startsWith(Rule.EVIDENCE)
                    ? "rule of the run: " + line.substring(Rule.EVIDENCE.length())
                    : line);
        if (!same && !c.rule().isEmpty())
            evidence.add(RuleCode.ruleField(c.rule().getFirst()).evidence());
        evidence.add("rejudged with the rules of " + rules + " (" + String.join(", ", c.rule())
                + ") from the recorded tables: " + j.inputs());
        boolean ownNumber = j.measured() != null;
        return new ClaimVerdict(
                c.id(),
                j.verdict(),
                summary,
                ownNumber ? j.measured() : recorded.measured(),
                ownNumber ? null : recorded.measuredLow(),
                ownNumber ? null : recorded.measuredHigh(),
                recorded.claimed(),
                ownNumber && j.unit() != null ? j.unit() : recorded.unit(),
                evidence,
                recorded.host());
    }

    /** The commit the rules come from (the checkout at {@code home}), marked when it has uncommitted changes to them. */
    public static String rulesVersion(Path home) {
        Command head = Command.run(10_000, "git", "-C", home.toString(), "rev-parse", "--short=12", "HEAD");
        if (!head.ok()) return "an unversioned build (not a git checkout)";
        Command dirty = Command.run(
                10_000,
                "git",
                "-C",
                home.toString(),
                "status",
                "--porcelain",
                "--",
                "experiments/src/main",
                "data/claims.yaml");
        return "commit " + head.stdout().strip()
                + (dirty.ok() && !dirty.stdout().isBlank() ? " with uncommitted changes" : "");
    }

    /** Writes RUN/rejudged.json (atomically); verdicts.json is never touched. */
    public static Path write(Result r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rules", r.rules());
        doc.put(
                "rejudged",
                r.entries().stream()
                        .filter(e -> e.how() == How.REJUDGED)
                        .map(Entry::claim)
                        .toList());
        doc.put(
                "carried",
                r.entries().stream()
                        .filter(e -> e.how() == How.CARRIED)
                        .map(e -> Map.of("claim", e.claim(), "why", e.why()))
                        .toList());
        doc.put("changed", r.changed().stream().map(Entry::describe).toList());
        doc.put("verdicts", r.entries().stream().map(Entry::now).toList());
        Path target = r.run().resolve(FILE);
        try {
            AtomicFiles.writeString(target, RunStore.JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /**
     * Makes today's verdicts of the changed claims the run's own (its verdicts.json and each experiment's), for a
     * reference run that must say what today's rules say of its tables; the replaced verdicts stay in git history and
     * each new one says in its summary and evidence what it was re-judged from.
     */
    public static List<Path> adopt(Result r) {
        Map<String, ClaimVerdict> now = new LinkedHashMap<>();
        for (Entry e : r.changed()) now.put(e.claim(), e.now());
        if (now.isEmpty()) return List.of();
        List<Path> files = new ArrayList<>();
        files.add(r.run().resolve("verdicts.json"));
        for (String experiment : RunStore.experiments(r.run()))
            files.add(r.run().resolve(experiment).resolve("verdicts.json"));
        List<Path> written = new ArrayList<>();
        for (Path f : files) {
            List<ClaimVerdict> vs = RunStore.readJson(f, new TypeReference<>() {});
            if (vs.stream().noneMatch(v -> now.containsKey(v.claim()))) continue;
            List<ClaimVerdict> updated =
                    vs.stream().map(v -> now.getOrDefault(v.claim(), v)).toList();
            try {
                AtomicFiles.writeString(f, RunStore.JSON.writeValueAsString(updated));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write " + f + ": " + e.getMessage(), e);
            }
            written.add(f);
        }
        return written;
    }

    private static boolean sameNumber(Double a, Double b) {
        if (a == null || b == null) return Objects.equals(a, b);
        if (a.isNaN() || b.isNaN()) return a.isNaN() && b.isNaN();
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
    }
}

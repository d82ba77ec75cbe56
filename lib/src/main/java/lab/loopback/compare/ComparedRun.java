package lab.loopback.compare;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.result.RunStore;

/**
 * One finished run as a comparison sees it: where it is, which host and kernel made it, and its verdicts; {@code guest}
 * is the accelerator of the guest it ran in (tcg, kvm; {@code ./lab run --kernel}), null for a run on a host.
 * Loading refuses what is not a finished run (missing, interrupted, or without verdicts) with a message
 * naming the directory.
 */
public record ComparedRun(
        Path dir,
        String runId,
        String profile,
        String hostId,
        String kernel,
        Map<String, ClaimVerdict> verdicts,
        String rejudgedWith,
        String guest) {

    /** The file ./lab rejudge writes beside a run's own verdicts.json. */
    public static final String REJUDGED = "rejudged.json";

    public static ComparedRun load(Path dir) {
        return load(dir, false);
    }

    /**
     * {@code rejudged}: the verdicts ./lab rejudge wrote beside the run (rejudged.json), labelled with the rules they
     * came from, instead of the run's own; a run without that file is an error naming it.
     */
    public static ComparedRun load(Path dir, boolean rejudged) {
        Path real = RunStore.finishedRun(dir); // results/latest is a link; the run's own name is what identifies it
        Map<String, Object> host =
                RunStore.readJson(real.resolve("host.json"), new TypeReference<LinkedHashMap<String, Object>>() {});
        Map<String, Object> run = Files.isRegularFile(real.resolve("run.json"))
                ? RunStore.readJson(real.resolve("run.json"), new TypeReference<LinkedHashMap<String, Object>>() {})
                : Map.of();
        Map<String, ClaimVerdict> verdicts = new LinkedHashMap<>();
        String rules = null;
        if (rejudged) {
            Path f = real.resolve(REJUDGED);
            if (!Files.isRegularFile(f))
                throw new IllegalArgumentException(
                        "run '" + dir + "' has no " + REJUDGED + "; run ./lab rejudge " + dir + " first");
            RejudgedFile r = RunStore.readJson(f, new TypeReference<RejudgedFile>() {});
            rules = r.rules();
            for (ClaimVerdict v : r.verdicts()) verdicts.put(v.claim(), v);
        } else {
            for (ClaimVerdict v : RunStore.verdicts(real)) verdicts.put(v.claim(), v);
        }
        return new ComparedRun(
                real,
                text(run.get("runId"), real.getFileName().toString()),
                text(run.get("profile"), "?"),
                text(host.get("hostId"), "unknown-host"),
                text(host.get("kernelRelease"), "?"),
                Map.copyOf(verdicts),
                rules,
                host.get("guest") instanceof Map<?, ?> g ? text(g.get("accelerator"), "?") : null);
    }

    /** Where the kernel ran: "host", or "guest, TCG" (emulated) / "guest, KVM". */
    public String where() {
        return guest == null ? "host" : "guest, " + guest.toUpperCase(Locale.ROOT);
    }

    /** What rejudged.json holds that a comparison reads. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RejudgedFile(String rules, List<ClaimVerdict> verdicts) {}

    private static String text(Object o, String otherwise) {
        return o == null || o.toString().isBlank() ? otherwise : o.toString();
    }

    /** Short enough for a column header: host, kernel, profile and run id. */
    public String label() {
        return hostId + " · " + kernel + (guest == null ? "" : " (" + where() + ")") + " · " + profile + " · " + runId
                + (rejudgedWith == null ? "" : " · rejudged with the rules of " + rejudgedWith);
    }
}

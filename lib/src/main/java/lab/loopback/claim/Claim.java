package lab.loopback.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One atomic claim of the article: a permanent id, the section (= notebook) it belongs to, the article's own
 * words, what a measurement has to establish, the claimed value and unit where the claim is numeric, and the rule
 * that decides it: {@code Class.FIELD}, a rule as data, of the workbench's experiments ({@code ./lab explain ID}).
 * {@code sizes} are the message or write sizes a size-dependent verdict is read at (its headline sizes), fixed here so
 * that a profile's sweep does not decide what is judged; empty where the verdict does not depend on a size.
 * {@code evidence} says what the rule reads (the kernel's testimony, a time or rate, or the article's own arithmetic):
 * a timing is not judged where the CPU is emulated, the kernel's testimony is.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Claim(
        String id,
        int section,
        String quote,
        String establish,
        Double claimed,
        String unit,
        List<String> rule,
        List<Integer> sizes,
        Evidence evidence) {

    /** What a claim's rule reads. */
    public enum Evidence {
        /** What the kernel reports: events, counters, probes, symbols, settings, access checks. */
        @JsonProperty("testimony")
        TESTIMONY,
        /** A time or a rate (throughput, latency, CPU per byte): only this hardware's when the CPU is not emulated. */
        @JsonProperty("timing")
        TIMING,
        /** The article's own numbers, checked by arithmetic: the same on every host. */
        @JsonProperty("arithmetic")
        ARITHMETIC
    }

    public Claim {
        rule = rule == null ? List.of() : List.copyOf(rule);
        sizes = sizes == null ? List.of() : List.copyOf(sizes);
        for (int s : sizes)
            if (s <= 0) throw new IllegalArgumentException(id + ": a headline size must be positive bytes, not " + s);
    }

    /** The one size this claim is read at; an error naming the claim when the ledger gives none or several. */
    public int size() {
        if (sizes.size() != 1)
            throw new IllegalStateException(
                    id + " is read at one size, and data/claims.yaml gives " + (sizes.isEmpty() ? "none" : sizes));
        return sizes.getFirst();
    }

    /** The one size this claim is read at, which {@code measured} must include (an error naming both if not). */
    public int sizeIn(List<Integer> measured) {
        int size = size();
        judgedAt(measured);
        return size;
    }

    /**
     * The headline sizes among those a run measured, in the run's order — or all of them where the claim names none. A
     * headline size the run did not measure is an error naming it (the profiles must include every one).
     */
    public List<Integer> judgedAt(List<Integer> measured) {
        if (sizes.isEmpty()) return List.copyOf(measured);
        List<Integer> missing =
                sizes.stream().filter(s -> !measured.contains(s)).toList();
        if (!missing.isEmpty())
            throw new IllegalStateException(id + " is read at " + sizes + " (data/claims.yaml); the run measured "
                    + measured + ", without " + missing);
        return measured.stream().filter(sizes::contains).toList();
    }

    public boolean numeric() {
        return claimed != null;
    }
}

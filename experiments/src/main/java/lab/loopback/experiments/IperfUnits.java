package lab.loopback.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.chart.Charts;
import lab.loopback.claim.Claim;
import lab.loopback.claim.Verdict;
import lab.loopback.result.Figure;
import lab.loopback.result.Outcome;
import lab.loopback.result.RecordTable;
import lab.loopback.rule.Condition;
import lab.loopback.rule.Rule;
import lab.loopback.tools.Iperf3;
import lab.loopback.workbench.Experiment;
import lab.loopback.workbench.Measures;
import lab.loopback.workbench.Recorded;
import lab.loopback.workbench.RecordedRule;
import lab.loopback.workbench.RunContext;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

/**
 * PERF-2: does "11.2 GBytes" in "0.00-1.00 sec" make "96.3 Gbits/sec"? Pure arithmetic over the rounding
 * intervals of the printed numbers, once with a binary GByte (2^30) and once with a decimal one (10^9);
 * and, where iperf3 is installed, its own human output checked to see which convention it uses.
 */
@Measures(
        name = "iperf3-units",
        claims = {"PERF-2"})
public final class IperfUnits implements Experiment {
    static final double ARTICLE_GBYTES = 11.2, ARTICLE_SECONDS = 1.00;

    /** The bit rate range (Gbit/s, decimal) that a printed byte count and interval allow, with bytesPerUnit per "GByte". */
    record Range(double low, double high) {
        boolean contains(double v) {
            return v >= low && v <= high;
        }
    }

    /** Each printed number stands for anything that rounds to it: 11.2 ⇒ [11.15, 11.25), 1.00 s ⇒ [0.995, 1.005). */
    static Range implied(double printedBytes, int decimals, double printedSeconds, double bytesPerUnit) {
        double half = 0.5 * Math.pow(10, -decimals);
        double sHalf = 0.005;
        double lo = (printedBytes - half) * bytesPerUnit * 8 / (printedSeconds + sHalf) / 1e9;
        double hi = (printedBytes + half) * bytesPerUnit * 8 / (printedSeconds - sHalf) / 1e9;
        return new Range(lo, hi);
    }

    /** One interval line of iperf3's human output, and what each convention implies for it. */
    public record UnitCheck(
            String line,
            double seconds,
            double bytes,
            String byteUnit,
            double bits,
            String bitUnit,
            boolean binaryBytesFit,
            boolean decimalBytesFit) {}

    private static final Pattern LINE = Pattern.compile(
            "([\\d.]+)-([\\d.]+)\\s+sec\\s+([\\d.]+)\\s+([KMGT]?)Bytes\\s+([\\d.]+)\\s+([KMGT]?)bits/sec");

    static List<UnitCheck> check(String iperf3Output) {
        List<UnitCheck> out = new ArrayList<>();
        for (String l : iperf3Output.lines().toList()) {
            Matcher m = LINE.matcher(l);
            if (!m.find()) continue;
            double secs = Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1));
            if (secs <= 0.01) continue;
            String bytesText = m.group(3);
            int decimals = bytesText.contains(".") ? bytesText.length() - bytesText.indexOf('.') - 1 : 0;
            double bytes = Double.parseDouble(bytesText);
            double bits = Double.parseDouble(m.group(5));
            double bitsGbit = bits * prefix(m.group(6), 1000) / 1e9;
            Range bin = implied(bytes, decimals, secs, prefix(m.group(4), 1024));
            Range dec = implied(bytes, decimals, secs, prefix(m.group(4), 1000));
            // the printed rate is itself rounded to 3 significant digits
            double tol = bitsGbit * 0.006;
            out.add(new UnitCheck(
                    l.strip(),
                    secs,
                    bytes,
                    m.group(4) + "Bytes",
                    bits,
                    m.group(6) + "bits/sec",
                    bitsGbit + tol >= bin.low() && bitsGbit - tol <= bin.high(),
                    bitsGbit + tol >= dec.low() && bitsGbit - tol <= dec.high()));
        }
        return out;
    }

    private static double prefix(String p, double base) {
        return switch (p) {
            case "K" -> base;
            case "M" -> base * base;
            case "G" -> base * base * base;
            case "T" -> base * base * base * base;
            default -> 1;
        };
    }

    /**
     * PERF-2: the printed transfer and rate agree when exactly one reading of "GBytes" (binary or decimal) gives the
     * printed rate within its rounding; REFUTED when neither does, or both do (the line then decides nothing).
     */
    static Verdict judge(boolean fitsBinary, boolean fitsDecimal) {
        return RULE.judge(new Fits(fitsBinary, fitsDecimal));
    }

    /** Whether the printed rate follows from the printed transfer with GBytes read as 2^30 bytes, and as 10^9. */
    record Fits(boolean binary, boolean decimal) {}

    static final Rule<Fits> RULE = Rule.<Fits>forClaim("PERF-2")
            .when(
                    Verdict.SUPPORTED,
                    Condition.fact(
                            "exactly one reading of GBytes (2^30 or 10^9 bytes) gives the printed rate within its rounding",
                            f -> f.binary() != f.decimal()))
            .because("when both readings fit, the line decides nothing")
            .otherwise(Verdict.REFUTED);

    /** PERF-2 needs no table: the article's printed figures and the ledger's claimed rate decide it (iperf3's lines are corroboration). */
    static RecordedRule.Judgement fromTables(Recorded r) {
        double claimed = r.claim().claimed();
        boolean fitsBinary =
                implied(ARTICLE_GBYTES, 1, ARTICLE_SECONDS, Math.pow(2, 30)).contains(claimed);
        boolean fitsDecimal = implied(ARTICLE_GBYTES, 1, ARTICLE_SECONDS, 1e9).contains(claimed);
        return new RecordedRule.Judgement(
                judge(fitsBinary, fitsDecimal),
                ARTICLE_GBYTES * Math.pow(2, 30) * 8 / 1e9,
                String.format(
                        "%.1f Gbit/s fits %s",
                        claimed,
                        fitsBinary && !fitsDecimal
                                ? "binary GBytes only"
                                : fitsDecimal && !fitsBinary
                                        ? "decimal GBytes only"
                                        : fitsBinary ? "both readings" : "neither reading"));
    }

    @Override
    public Outcome run(RunContext ctx) {
        Claim claim = ctx.claim("PERF-2");
        Outcome o = new Outcome(name());
        Range binary = implied(ARTICLE_GBYTES, 1, ARTICLE_SECONDS, Math.pow(2, 30));
        Range decimal = implied(ARTICLE_GBYTES, 1, ARTICLE_SECONDS, 1e9);
        double asBinary = ARTICLE_GBYTES * Math.pow(2, 30) * 8 / 1e9;
        double asDecimal = ARTICLE_GBYTES * 1e9 * 8 / 1e9;
        boolean fitsBinary = binary.contains(claim.claimed());
        boolean fitsDecimal = decimal.contains(claim.claimed());

        List<String> evidence = new ArrayList<>();
        evidence.add(String.format(
                "11.2 GiB/s = 11.2 × 2^30 × 8 bit = %.2f Gbit/s; the printed values allow %.2f … %.2f",
                asBinary, binary.low(), binary.high()));
        evidence.add(String.format(
                "11.2 GB/s = 11.2 × 10^9 × 8 bit = %.2f Gbit/s; the printed values allow %.2f … %.2f",
                asDecimal, decimal.low(), decimal.high()));
        String convention;
        if (Iperf3.installed()) {
            ctx.progress("iperf3 human output, 2 s");
            String text = Iperf3.runHuman(2, ctx.toolPort());
            List<UnitCheck> checks = check(text);
            o.table("iperf3-lines", RecordTable.of("iperf3-lines", UnitCheck.class, checks));
            long bin = checks.stream()
                    .filter(c -> c.binaryBytesFit() && !c.decimalBytesFit())
                    .count();
            long dec = checks.stream()
                    .filter(c -> c.decimalBytesFit() && !c.binaryBytesFit())
                    .count();
            convention = checks.isEmpty()
                    ? "this host's iperf3 printed no interval lines to check"
                    : bin > 0 && dec == 0
                            ? "this host's iperf3 prints binary byte units with decimal bit rates (" + bin + " of "
                                    + checks.size() + " lines fit only that reading)"
                            : dec > 0 && bin == 0
                                    ? "this host's iperf3 prints decimal byte units (" + dec + " of " + checks.size()
                                            + " lines fit only that reading)"
                                    : "this host's iperf3 lines do not tell the conventions apart";
            evidence.add(convention);
            evidence.add("iperf3 output:\n" + text.strip());
            o.note("iperf3 -c 127.0.0.1 -t 2, as printed:\n" + text.strip());
        } else {
            convention =
                    "iperf3 is not installed, so its convention could not be checked live (iperf3's units.c formats bytes with 1024-based prefixes and rates with 1000-based ones)";
            evidence.add(convention);
        }
        evidence.add(RULE.evidence());
        Verdict v;
        String summary;
        v = judge(fitsBinary, fitsDecimal);
        if (fitsBinary && !fitsDecimal) {
            summary = String.format(
                    "The arithmetic holds in iperf3's mixed units: 11.2 GBytes means GiB (2^30 bytes), which makes %.1f Gbit/s "
                            + "(anything from %.2f to %.2f rounds to the printed figures); read as decimal gigabytes it would be only %.1f Gbit/s. Checked: %s.",
                    asBinary, binary.low(), binary.high(), asDecimal, convention);
        } else if (fitsDecimal && !fitsBinary) {
            summary = String.format("The arithmetic holds with decimal gigabytes (%.1f Gbit/s).", asDecimal);
        } else {
            summary = String.format(
                    "Neither reading of 11.2 GBytes in 1.00 s gives %.1f Gbit/s: binary gives %.1f, decimal %.1f.",
                    claim.claimed(), asBinary, asDecimal);
        }
        o.verdict(ctx.judged(claim.id(), v)
                .summary(summary)
                .measured(asBinary, null)
                .interval(binary.low(), binary.high())
                .evidence(evidence)
                .build());
        CategoryChart c = Charts.bars("PERF-2: what \"11.2 GBytes in 1 s\" amounts to", "", "Gbit/s");
        CategorySeries claimed = c.addSeries(
                "article: 96.3 Gbits/sec",
                List.of("printed rate", "11.2 GiB/s", "11.2 GB/s"),
                List.of(claim.claimed(), 0, 0));
        claimed.setFillColor(Charts.CLAIM);
        CategorySeries computed = c.addSeries(
                "computed from 11.2 GBytes",
                List.of("printed rate", "11.2 GiB/s", "11.2 GB/s"),
                List.of(0, asBinary, asDecimal));
        computed.setFillColor(Charts.MEASURED);
        c.getStyler().setOverlapped(true);
        o.figure(new Figure(
                "units",
                List.of("PERF-2"),
                "Computed: the rate 11.2 GBytes per second makes with binary and with decimal gigabytes, beside the rate the article prints.",
                c));
        return o;
    }
}

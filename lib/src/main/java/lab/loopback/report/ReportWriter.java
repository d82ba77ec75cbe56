package lab.loopback.report;

import static lab.loopback.result.HtmlEscape.esc;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.Figure;
import lab.loopback.result.RunInfo;
import lab.loopback.result.RunStore;
import lab.loopback.result.ScheduleEntry;
import lab.loopback.result.TableView;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Renders OUT/RUN-ID/report.html from what the run directory holds — nothing is remeasured, so
 * {@code ./lab report} can redo it at any time. Self-contained: figures are embedded as PNG data, CSV and
 * notebook links are relative to the run directory.
 */
public final class ReportWriter {
    private final ClaimLedger ledger;

    public ReportWriter(ClaimLedger ledger) {
        this.ledger = ledger;
    }

    public Path write(Path runDir) {
        Path out = runDir.resolve("report.html");
        AtomicFiles.writeString(out, render(runDir));
        return out;
    }

    /** A figure as found in the run: which experiment made it. */
    private record FigureRef(String experiment, Figure.Info info) {}

    public String render(Path runDir) {
        if (!Files.isRegularFile(runDir.resolve("verdicts.json"))) {
            throw new IllegalArgumentException(runDir + " is not a finished run (no verdicts.json)");
        }
        Map<String, ClaimVerdict> verdicts = new LinkedHashMap<>();
        for (ClaimVerdict v : RunStore.verdicts(runDir)) verdicts.put(v.claim(), v);
        Map<String, Object> host =
                RunStore.readJson(runDir.resolve("host.json"), new TypeReference<LinkedHashMap<String, Object>>() {});
        RunInfo info = Files.exists(runDir.resolve("run.json")) ? RunStore.runInfo(runDir) : null;
        Map<String, List<FigureRef>> figuresByClaim = new LinkedHashMap<>();
        Map<String, String> experimentOfClaim = new LinkedHashMap<>();
        for (String exp : RunStore.experiments(runDir)) {
            for (ClaimVerdict v : RunStore.readJson(
                    runDir.resolve(exp).resolve("verdicts.json"), new TypeReference<List<ClaimVerdict>>() {})) {
                experimentOfClaim.put(v.claim(), exp);
            }
            for (Figure.Info f : RunStore.figures(runDir, exp)) {
                for (String c : f.claims())
                    figuresByClaim.computeIfAbsent(c, k -> new ArrayList<>()).add(new FigureRef(exp, f));
            }
        }

        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Loopback Lab report ")
                .append(esc(runDir.getFileName()))
                .append("</title>\n<style>")
                .append(BASE_CSS)
                .append("</style></head><body>\n");
        h.append("<h1>Loopback Lab: the zero-copy loopback article, tested on this host</h1>\n");
        h.append(
                "<p class=\"lede\">Every checkable claim of “What is the Zero-Copy Loopback Stack?”, with what this host measured and what the evidence supports. ");
        h.append("Numbers come from this run only; nothing here is copied from the article except the claims.</p>\n");
        if (info != null) {
            h.append("<p class=\"meta\">Run <code>")
                    .append(esc(info.runId()))
                    .append("</code>, profile <b>")
                    .append(esc(info.profile()))
                    .append("</b>, started ")
                    .append(esc(info.startedAt()))
                    .append(", ")
                    .append(String.format("%.0f", info.seconds()))
                    .append(" s.");
            if (!info.failures().isEmpty())
                h.append(" <span class=\"bad\">Failures: ")
                        .append(esc(String.join("; ", info.failures())))
                        .append("</span>");
            h.append("</p>\n");
        }
        if (host.get("guest") instanceof Map<?, ?> g) {
            boolean emulated = "tcg".equals(g.get("accelerator"));
            h.append("<p class=\"warn\"><b>A guest's run.</b> This run ran inside a QEMU guest booting Linux ")
                    .append(esc(String.valueOf(host.get("kernelRelease"))))
                    .append(" (")
                    .append(esc(String.valueOf(g.get("kernelPackage"))))
                    .append("), ")
                    .append(emulated ? "its CPU emulated (TCG)" : "under KVM")
                    .append(", on ")
                    .append(esc(String.valueOf(g.get("ranOn"))))
                    .append(" (Linux ")
                    .append(esc(String.valueOf(g.get("ranOnKernel"))))
                    .append(") with ")
                    .append(esc(String.valueOf(g.get("emulator"))))
                    .append(".")
                    .append(
                            emulated
                                    ? " Its times and rates are the emulator's: claims whose rule reads one are NOT_TESTABLE_HERE,"
                                            + " and the kernel's testimony (events, counters, probes) is what is judged."
                                    : "")
                    .append("</p>\n");
        }
        if (Files.exists(runDir.resolve("notebooks/00-index.html"))) {
            h.append(
                    "<p class=\"nb\">The notebooks of this run, executed: <a href=\"notebooks/00-index.html\">notebooks/00-index.html</a></p>\n");
        }
        hostTable(h, host);
        overview(h, verdicts);
        if (info != null && !info.schedule().isEmpty()) schedule(h, info);
        Set<String> tablesShown = new HashSet<>();
        for (ClaimLedger.Section s : ledger.sections()) {
            h.append("<section id=\"s")
                    .append(s.number())
                    .append("\"><h2>")
                    .append(String.format("%02d", s.number()))
                    .append(" ")
                    .append(esc(s.title()))
                    .append("</h2>\n");
            String nb = String.format("notebooks/%02d-%s.html", s.number(), s.slug());
            if (Files.exists(runDir.resolve(nb))) {
                h.append("<p class=\"nb\">Executed notebook: <a href=\"")
                        .append(esc(nb))
                        .append("\">")
                        .append(esc(nb))
                        .append("</a></p>\n");
            }
            for (Claim c : ledger.inSection(s.number())) {
                ClaimVerdict v = verdicts.getOrDefault(
                        c.id(), ClaimVerdict.notYetMeasured(c, String.valueOf(host.get("hostId"))));
                String exp = experimentOfClaim.get(c.id());
                claimBlock(
                        h,
                        runDir,
                        c,
                        v,
                        exp,
                        figuresByClaim.getOrDefault(c.id(), List.of()),
                        exp != null && tablesShown.add(exp));
            }
            h.append("</section>\n");
        }
        h.append("<footer>Written by Loopback Lab from ")
                .append(esc(runDir.toAbsolutePath()))
                .append(". Re-render with <code>./lab report ")
                .append(esc(runDir.getFileName()))
                .append("</code>.</footer>\n<script>")
                .append(SELF_CHECK)
                .append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static void hostTable(StringBuilder h, Map<String, Object> host) {
        StringColumn field = StringColumn.create("field"), value = StringColumn.create("value");
        for (var e : host.entrySet()) {
            field.append(e.getKey());
            value.append(String.valueOf(e.getValue()));
        }
        h.append("<h2>The host</h2>\n")
                .append(TableView.of(Table.create("host.json", field, value), host.size())
                        .toHtml())
                .append('\n');
    }

    /** The experiment's recorded tables, with the notebooks' rendering, once per experiment (at its first claim). */
    private static void experimentTables(StringBuilder h, Path runDir, String experiment) {
        Map<String, Table> tables = RunStore.load(runDir, experiment).tables();
        if (tables.isEmpty()) return;
        h.append("<details class=\"tables\"><summary>Tables of ")
                .append(esc(experiment))
                .append(" (")
                .append(tables.size())
                .append(")</summary>\n");
        for (Table t : tables.values()) h.append(TableView.of(t).toHtml()).append('\n');
        h.append("</details>\n");
    }

    private void overview(StringBuilder h, Map<String, ClaimVerdict> verdicts) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Claim c : ledger.claims()) {
            Verdict v = verdicts.containsKey(c.id()) ? verdicts.get(c.id()).verdict() : Verdict.NOT_YET_MEASURED;
            counts.merge(v, 1, Integer::sum);
        }
        h.append("<h2>Verdicts</h2>\n<p class=\"counts\">");
        for (var e : counts.entrySet())
            h.append(badge(e.getKey())).append(" ").append(e.getValue()).append(" &nbsp; ");
        h.append(
                "</p>\n<table class=\"overview\"><tr><th>claim</th><th>section</th><th>verdict</th><th>summary</th></tr>\n");
        for (Claim c : ledger.claims()) {
            ClaimVerdict v = verdicts.get(c.id());
            Verdict kind = v == null ? Verdict.NOT_YET_MEASURED : v.verdict();
            h.append("<tr><td><a href=\"#")
                    .append(esc(c.id()))
                    .append("\">")
                    .append(esc(c.id()))
                    .append("</a></td><td>")
                    .append(String.format("%02d", c.section()))
                    .append("</td><td>")
                    .append(badge(kind))
                    .append("</td><td>")
                    .append(esc(v == null ? "not yet measured" : v.summary()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void claimBlock(
            StringBuilder h,
            Path runDir,
            Claim c,
            ClaimVerdict v,
            String experiment,
            List<FigureRef> figures,
            boolean withTables) {
        h.append("<article class=\"claim\" id=\"")
                .append(esc(c.id()))
                .append("\">\n<h3>")
                .append(esc(c.id()))
                .append(" ")
                .append(badge(v.verdict()))
                .append("</h3>\n");
        h.append("<blockquote>").append(esc(c.quote())).append("</blockquote>\n");
        h.append("<p class=\"establish\"><b>What would show it:</b> ")
                .append(esc(c.establish()))
                .append("</p>\n");
        h.append("<p class=\"summary\">").append(esc(v.summary())).append("</p>\n");
        if (v.measured() != null || v.claimed() != null) {
            h.append("<p class=\"numbers\">measured: <b>").append(number(v.measured()));
            if (v.measuredLow() != null && v.measuredHigh() != null) {
                h.append("</b> [")
                        .append(number(v.measuredLow()))
                        .append(", ")
                        .append(number(v.measuredHigh()))
                        .append("]<b>");
            }
            h.append("</b> · claimed: <b>")
                    .append(number(v.claimed()))
                    .append("</b> ")
                    .append(esc(v.unit()))
                    .append("</p>\n");
        }
        for (FigureRef f : figures) {
            Path png = runDir.resolve(f.experiment()).resolve(f.info().name() + ".png");
            h.append("<figure>");
            try {
                h.append("<img alt=\"")
                        .append(esc(f.info().caption()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(png)))
                        .append("\">");
            } catch (IOException e) {
                h.append("<p class=\"bad\">figure ").append(esc(png)).append(" is missing</p>");
            }
            h.append("<figcaption>")
                    .append(esc(f.info().caption()))
                    .append(" <a href=\"")
                    .append(esc(f.experiment() + "/" + f.info().name() + ".svg"))
                    .append("\">SVG</a></figcaption></figure>\n");
        }
        if (!v.evidence().isEmpty()) {
            h.append("<details><summary>Evidence (").append(v.evidence().size()).append(")</summary><ul>\n");
            for (String e : v.evidence()) h.append("<li><pre>").append(esc(e)).append("</pre></li>\n");
            h.append("</ul></details>\n");
        }
        if (experiment != null) {
            h.append("<p class=\"data\">Data: ");
            for (String csv : csvs(runDir.resolve(experiment))) {
                h.append("<a href=\"")
                        .append(esc(experiment + "/" + csv))
                        .append("\">")
                        .append(esc(csv))
                        .append("</a> ");
            }
            h.append("</p>\n");
            if (withTables) experimentTables(h, runDir, experiment);
        }
        h.append("</article>\n");
    }

    private static List<String> csvs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".csv"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String number(Double d) {
        if (d == null) return "—";
        double a = Math.abs(d);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) return String.format("%.3e", d);
        return String.format("%.4g", d);
    }

    static String badge(Verdict v) {
        return "<span class=\"v " + v.name().toLowerCase() + "\">" + v.name() + "</span>";
    }

    /**
     * Runs in the reader's browser after load: a figure that did not decode is named at the top of the page
     * instead of being a silent blank, and the counts (claims, figures decoded, tables whose every row has a cell per
     * header) land on body's data attributes, where the headless browser test reads them.
     */
    static final String SELF_CHECK = """
            addEventListener('load', () => {
              const imgs = Array.from(document.images);
              const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0));
              const b = document.body.dataset;
              b.figures = imgs.length;
              b.figuresShown = imgs.length - broken.length;
              b.claims = document.querySelectorAll('article.claim').length;
              const tables = Array.from(document.querySelectorAll('table.lab-table'));
              b.tables = tables.length;
              b.tablesWellFormed = tables.filter(t => {
                const cols = t.querySelectorAll('thead th').length;
                const rows = Array.from(t.querySelectorAll('tbody tr'));
                return cols > 0 && rows.every(r => r.querySelectorAll('td').length === cols);
              }).length;
              if (broken.length) {
                const p = document.createElement('p');
                p.className = 'bad';
                p.id = 'broken-figures';
                p.textContent = broken.length + ' figure(s) could not be shown: ' + broken.map(i => i.alt).join('; ');
                document.body.prepend(p);
              }
            });
            """;

    /**
     * Where the run's time went: each experiment's first pass and any second look, with the interleaved rounds its
     * comparisons got and why the run took (or did not take) a second look.
     */
    private static void schedule(StringBuilder h, RunInfo info) {
        h.append("<h2 id=\"schedule\">Where the time went</h2>\n<p>")
                .append(
                        info.budgetSeconds() == null
                                ? "No budget: every comparison still undecided after its planned rounds got a second look."
                                : String.format(
                                        "Budget %.0f s for the experiments; they took %.0f s. A second look (twice the planned rounds, measured afresh after every first pass) goes only to an experiment whose undecided comparison leaves a verdict undecided, and only when its estimate fits in what is left.",
                                        info.budgetSeconds(), info.seconds()))
                .append(
                        " Rounds: interleaved rounds of the experiment's throughput comparisons (every condition once per round); 0 where the plan is fixed.</p>\n")
                .append(
                        "<table class=\"overview\"><tr><th>experiment</th><th>claims</th><th>pass</th><th>s</th><th>rounds</th><th>undecided</th><th>next</th></tr>\n");
        for (ScheduleEntry e : info.schedule()) {
            h.append("<tr><td>")
                    .append(esc(e.experiment()))
                    .append("</td><td>")
                    .append(esc(String.join(", ", e.claims())))
                    .append("</td><td>")
                    .append(esc(e.pass()))
                    .append("</td><td class=\"num\">")
                    .append(String.format("%.1f", e.seconds()))
                    .append("</td><td class=\"num\">")
                    .append(e.rounds())
                    .append("</td><td>")
                    .append(esc(String.join("; ", e.undecided())))
                    .append("</td><td>")
                    .append(esc(e.decision()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static final String BASE_CSS = """
            body{font:15px/1.5 system-ui,sans-serif;max-width:1050px;margin:2em auto;padding:0 1em;color:#222}
            h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
            .lede{color:#444}.meta{color:#555}p.warn{background:#fef5e7;padding:.4em}code,pre{font:13px ui-monospace,monospace}pre{white-space:pre-wrap;margin:0}
            table{border-collapse:collapse;width:100%}th,td{border:1px solid #e2e2e2;padding:.25em .5em;text-align:left;vertical-align:top}
            table.overview td:first-child{white-space:nowrap}table.lab-table{width:auto;margin:.6em 0 1em;font-size:13px}
            table.lab-table td:first-child{white-space:nowrap}details.tables{margin:.5em 0}
            blockquote{border-left:4px solid #c0392b;margin:.5em 0;padding:.2em .8em;color:#555;font-style:italic}
            .claim{border:1px solid #eee;border-radius:6px;padding:.2em 1em;margin:1em 0}
            figure{margin:.5em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
            .v{font:bold 12px system-ui;padding:.1em .5em;border-radius:3px;color:#fff;white-space:nowrap}
            .supported{background:#27ae60}.refuted{background:#c0392b}.partly_true{background:#d68910}
            .host_dependent{background:#2e86c1}.not_testable_here{background:#7f8c8d}.explored{background:#8e44ad}.not_yet_measured{background:#bbb}
            .bad{color:#c0392b}footer{margin:3em 0 1em;color:#777;font-size:.9em}td.num{text-align:right}
            """;
}

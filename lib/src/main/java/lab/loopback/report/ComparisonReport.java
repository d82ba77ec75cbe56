package lab.loopback.report;

import static lab.loopback.result.HtmlEscape.esc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.compare.Agreement;
import lab.loopback.compare.ComparedRun;
import lab.loopback.compare.KernelMatrix;
import lab.loopback.compare.RunComparison;
import lab.loopback.result.AtomicFiles;
import lab.loopback.result.Figure;
import tech.tablesaw.api.Table;

/**
 * {@code ./lab compare --out DIR}: comparison.csv (verdicts side by side), runs.csv (which run is which),
 * one PNG per overlaid figure, and comparison.html, self-contained like the run report. Each file is
 * written atomically; an unwritable DIR fails before anything is written.
 */
public final class ComparisonReport {
    private ComparisonReport() {}

    /** {@code figures}: the key figures overlaid across the runs, made by the caller (it knows the experiments). */
    public static Path write(RunComparison cmp, List<Figure> figures, Path outDir) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + outDir + " cannot be created: " + e.getMessage());
        }
        if (!Files.isWritable(outDir))
            throw new IllegalArgumentException("--out " + outDir + " is not a writable directory");
        AtomicFiles.write(
                outDir.resolve("comparison.csv"), tmp -> cmp.table().write().csv(tmp.toFile()));
        AtomicFiles.write(
                outDir.resolve("runs.csv"), tmp -> cmp.legend().write().csv(tmp.toFile()));
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append(
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Loopback Lab: runs compared</title>\n<style>")
                .append(CSS)
                .append("</style></head><body>\n<h1>Loopback Lab: ")
                .append(cmp.runs().size())
                .append(" runs compared by claim</h1>\n");
        h.append(
                "<table><tr><th>run</th><th>host</th><th>kernel</th><th>profile</th><th>run id</th><th>report</th></tr>\n");
        for (int i = 0; i < cmp.runs().size(); i++) {
            ComparedRun r = cmp.runs().get(i);
            Path report = r.dir().resolve("report.html");
            h.append("<tr><td>run ")
                    .append(i + 1)
                    .append("</td><td>")
                    .append(esc(r.hostId()))
                    .append("</td><td>")
                    .append(esc(r.kernel() + (r.guest() == null ? "" : " (" + r.where() + ")")))
                    .append("</td><td>")
                    .append(esc(r.profile()))
                    .append("</td><td>")
                    .append(esc(r.runId()))
                    .append("</td><td>")
                    .append(
                            Files.isRegularFile(report)
                                    ? "<a href=\"" + esc(report.toUri()) + "\">report.html</a>"
                                    : "—")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        cmp.mixture()
                .ifPresent(w -> h.append("<p class=\"warn\"><b>Warning:</b> ")
                        .append(esc(w))
                        .append(".</p>\n"));
        List<RunComparison.Row> differ = cmp.differing();
        h.append("<p>")
                .append(
                        differ.isEmpty()
                                ? "No claim judged by two or more runs differs between them."
                                : differ.size() + " claim(s) judged differently: "
                                        + esc(String.join(
                                                ", ",
                                                differ.stream()
                                                        .map(r -> r.claim().id())
                                                        .toList()))
                                        + ". A difference between hosts is a finding; between runs of one host it means the rule sits too close to the noise.")
                .append("</p>\n");
        for (Figure f : figures) {
            byte[] png = f.png();
            h.append("<figure><img alt=\"")
                    .append(esc(f.caption()))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png))
                    .append("\"><figcaption>")
                    .append(esc(f.caption()))
                    .append("</figcaption></figure>\n");
            AtomicFiles.write(outDir.resolve(f.name() + ".png"), tmp -> Files.write(tmp, png));
        }
        if (KernelMatrix.applies(cmp)) kernelMatrix(cmp, h, outDir);
        ClaimLedger ledger = cmp.ledger();
        h.append("<table><tr><th>claim</th><th>section</th>");
        for (int i = 0; i < cmp.runs().size(); i++)
            h.append("<th>run ").append(i + 1).append("</th>");
        h.append("<th>agreement</th></tr>\n");
        for (RunComparison.Row r : cmp.rows()) {
            h.append(r.agreement() == Agreement.DIFFERS ? "<tr class=\"differs\">" : "<tr>")
                    .append("<td>")
                    .append(esc(r.claim().id()))
                    .append("</td><td>")
                    .append(String.format(
                            "%02d %s",
                            r.claim().section(),
                            esc(ledger.section(r.claim().section()).slug())))
                    .append("</td>");
            for (ClaimVerdict v : r.verdicts()) {
                h.append("<td title=\"")
                        .append(esc(v == null ? "" : v.summary()))
                        .append("\">")
                        .append(ReportWriter.badge(v == null ? Verdict.NOT_YET_MEASURED : v.verdict()))
                        .append("</td>");
            }
            h.append("<td>").append(r.agreement()).append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        Path html = outDir.resolve("comparison.html");
        AtomicFiles.writeString(html, h.toString());
        return html;
    }

    /** The claims judged from the kernel's testimony by kernel, oldest first: kernel-matrix.csv and a table. */
    private static void kernelMatrix(RunComparison cmp, StringBuilder h, Path outDir) {
        Table t = KernelMatrix.table(cmp);
        AtomicFiles.write(outDir.resolve("kernel-matrix.csv"), tmp -> t.write().csv(tmp.toFile()));
        h.append("<h2>Across kernels</h2>\n<p>The claims judged from the kernel's testimony (events, counters, probes,"
                        + " symbols), one column per kernel, oldest first: the verdict and its key measured value. A"
                        + " guest with an emulated CPU judges these; its timing claims are NOT_TESTABLE_HERE.</p>\n")
                .append("<table><tr>");
        for (String c : t.columnNames()) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>\n");
        for (int row = 0; row < t.rowCount(); row++) {
            h.append("<tr>");
            for (int c = 0; c < t.columnCount(); c++)
                h.append("<td>").append(esc(t.getString(row, c))).append("</td>");
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static final String CSS = ReportWriter.BASE_CSS + "tr.differs td{background:#fdecea}";
}

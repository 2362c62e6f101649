package dev.imed.experiments.report;

import dev.imed.experiments.cost.ModelCost;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code results.md}: findings, the mean ± sd tables, the cost table, links to the charts, the settings. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(SuiteResults results, ReportFiles files) {
        ResultsTable table = new ResultsTable(results);
        StringBuilder md = new StringBuilder();
        int seeds = results.seeds().size();
        md.append("# ").append(results.title()).append(": IMED teacher and student against averaging and single components\n\n");
        md.append(String.format(Locale.ROOT, "Target %s (%%) of every model on %d task%s, %s. ", results.metricLabel(),
                results.tasks().size(), results.tasks().size() == 1 ? "" : "s",
                seeds > 1 ? "mean ± sd over " + seeds + " seeds" : "one run (seed 0)"));
        md.append("Target labels are used for these measurements only, never for training. Made by:\n\n```\n")
                .append(results.command()).append("\n```\n\n");

        md.append("## Findings\n\n");
        for (String finding : Findings.of(results)) {
            md.append("- ").append(finding).append('\n');
        }
        md.append('\n');

        md.append("## ").append(capitalize(results.metricLabel())).append(" (%)\n\n");
        md.append(accuracyTable(results, table));
        if (results.rows().stream().anyMatch(RowInfo::member)) {
            md.append("\n\\* fused by the teacher.").append(results.tasks().size() <= 1 ? "\n"
                    : seeds > 1 ? " The mean column averages the tasks per seed first, then gives mean ± sd over seeds.\n"
                    : " The mean column averages the tasks.\n");
        }
        md.append("\n![").append(results.metricLabel()).append(" per method and task](").append(files.relative(files.accuracyChart()))
                .append(")\n\n");
        if (!results.metric().equals(SuiteResults.ACCURACY)) {
            md.append("## Accuracy (%)\n\n").append(accuracyTable(results, new ResultsTable(results, SuiteResults.ACCURACY))).append('\n');
        }
        if (results.perClassAccuracy()) {
            md.append("## Per-class accuracy (%)\n\n").append(perClassTable(results, table));
            if (files.perClassChart() != null) {
                md.append("\n![per-class accuracy](").append(files.relative(files.perClassChart())).append(")\n");
            }
            md.append('\n');
        }

        if (!results.headroom().isEmpty()) {
            md.append("## Ensemble headroom (%)\n\n").append(headroomTable(results.headroom())).append('\n');
        }

        md.append("## Cost\n\n").append(costTable(results.cost())).append('\n');

        md.append("## Confusion matrices\n\nCounts pooled over the seeds, one per model and task:\n\n");
        for (Map.Entry<String, Map<String, java.nio.file.Path>> task : files.confusionCharts().entrySet()) {
            md.append("- ").append(task.getKey()).append(": ");
            List<String> links = task.getValue().entrySet().stream()
                    .map(e -> "[" + results.row(e.getKey()).label() + "](" + files.relative(e.getValue()) + ")").toList();
            md.append(String.join(" · ", links)).append('\n');
        }
        md.append('\n');

        md.append("## Settings\n\n```yaml\n").append(settingsYaml(results.settings())).append("```\n");
        if (!results.notes().isEmpty()) {
            md.append("\n## Notes\n\n");
            results.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    /** How much room the members leave a fusion, per run: the ceiling and what confidence or a choice could recover. */
    static String headroomTable(List<SuiteResults.HeadroomRun> runs) {
        StringBuilder md = new StringBuilder("Measured with target labels, per run: images some member gets right (oracle); "
                + "images the most accurate member gets wrong while another gets right; images a wrong majority outvotes "
                + "members that are right and more confident on average; images two members disagree on (mean over pairs).\n\n"
                + "| task | seed | oracle | best member wrong, another right | confident minority right | pairwise disagreement |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (SuiteResults.HeadroomRun r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n", r.task(), r.seed(), r.oracle(),
                    r.bestMemberWrongAnotherRight(), r.confidentMinorityRight(), r.meanPairwiseDisagreement()));
        }
        return md.toString();
    }

    /** Models by tasks (the mean column only with several tasks: with one it would repeat it). */
    static String accuracyTable(SuiteResults results, ResultsTable table) {
        MarkdownTable md = MarkdownTable.withRowHeader("model");
        table.taskNames().forEach(md::column);
        for (RowInfo row : table.rowsWithRuns()) {
            String label = row.label() + (row.member() ? " \\*" : "");
            md.row(label);
            ReportWriter.runsOf(results, row.id()).forEach(r -> md.add(label, r.task(), r.seed(), r.value(table.metric())));
        }
        return md.render();
    }

    /** Models by classes (tasks pooled per seed), then the mean class accuracy (not a mean of the columns shown). */
    static String perClassTable(SuiteResults results, ResultsTable table) {
        MarkdownTable md = MarkdownTable.withRowHeader("model").meanColumn(false);
        ResultsTable meanClass = new ResultsTable(results, SuiteResults.MEAN_CLASS_ACCURACY);
        for (RowInfo row : table.rowsWithRuns()) {
            for (String c : results.classNames()) {
                md.column(c);
                table.perClassBySeed(row.id(), c).forEach((seed, value) -> md.add(row.label(), c, seed, value));
            }
            md.column("mean class");
            meanClass.meanBySeed(row.id()).forEach((seed, value) -> md.add(row.label(), "mean class", seed, value));
        }
        return md.render();
    }

    static String costTable(List<ModelCost> cost) {
        if (cost.isEmpty()) {
            return "Not measured.\n";
        }
        StringBuilder md = new StringBuilder("| model | make-up | parameters | multiply-adds / image | CPU latency / image |\n"
                + "|---|---|---:|---:|---:|\n");
        for (ModelCost c : cost) {
            md.append("| ").append(c.model()).append(" | ").append(c.description()).append(" | ").append(human(c.parameters()))
                    .append(" | ").append(c.multiplyAdds() == null ? "n/a" : human(c.multiplyAdds()))
                    .append(" | ").append(c.latencyMs() > 0 ? String.format(Locale.ROOT, c.latencyMs() < 10 ? "%.2f ms" : "%.1f ms", c.latencyMs()) : "n/a")
                    .append(" |\n");
        }
        md.append("\nMultiply-adds count convolutions and fully connected layers (BatchNorm, activations, pooling and "
                + "element-wise gating are left out); latency is the median of single-image forward passes after a warm-up.\n");
        cost.stream().filter(c -> c.note() != null && !c.note().isBlank())
                .forEach(c -> md.append("\n").append(c.model()).append(": ").append(c.note()).append('\n'));
        return md.toString();
    }

    /** 1234 → 1.2 k, 23 456 789 → 23.5 M. */
    public static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        }
        return Long.toString(n);
    }

    private static String settingsYaml(Map<String, Object> settings) {
        try {
            String yaml = dev.imed.core.bundle.Json.YAML.writeValueAsString(settings);
            return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return settings + "\n";
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

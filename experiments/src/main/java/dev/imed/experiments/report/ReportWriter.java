package dev.imed.experiments.report;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a suite's report: {@code results.json}, the charts, then {@code results.md} which links them. */
public final class ReportWriter {
    private ReportWriter() {}

    public static ReportFiles write(SuiteResults results, Path dir) {
        Path out = dir.toAbsolutePath().normalize();
        ResultsTable table = new ResultsTable(results);
        Path json = out.resolve("results.json");
        ResultsJson.write(json, ResultsJson.Kind.SUITE, results);

        List<RowInfo> rows = table.rowsWithRuns();
        List<String> categories = new ArrayList<>(table.taskNames());
        String mean = "mean";
        if (categories.size() > 1) {
            categories.add(mean);
        }
        String seedsText = results.seeds().size() == 1 ? "1 seed" : "mean ± sd over " + results.seeds().size() + " seeds";
        Path accuracyChart = out.resolve("charts").resolve(results.metric().equals(SuiteResults.ACCURACY)
                ? "accuracy.png" : "mean-class-accuracy.png");
        Charts.groupedBars(accuracyChart, results.title() + ": target " + results.metricLabel() + " by method and task",
                seedsText, "task", results.metricLabel() + " (%)", rows, categories,
                (row, category) -> category.equals(mean) && !table.taskNames().contains(mean)
                        ? table.mean(row.id()) : table.cell(row.id(), category));

        Path perClassChart = null;
        if (results.perClassAccuracy()) {
            perClassChart = out.resolve("charts").resolve("per-class-accuracy.png");
            Charts.groupedBars(perClassChart, results.title() + ": per-class accuracy on the target", seedsText + ", tasks pooled",
                    "class", "accuracy (%)", rows, results.classNames(), (row, c) -> table.perClass(row.id(), c));
        }

        Map<String, Map<String, Path>> confusion = new LinkedHashMap<>();
        for (String task : table.taskNames()) {
            Map<String, Path> perRow = new LinkedHashMap<>();
            for (RowInfo row : rows) {
                long[][] counts = table.pooledConfusion(row.id(), task);
                if (counts == null) {
                    continue;
                }
                Path png = out.resolve("charts").resolve("confusion").resolve(slug(task)).resolve(slug(row.id()) + ".png");
                long total = 0;
                long correct = 0;
                for (int i = 0; i < counts.length; i++) {
                    for (int j = 0; j < counts.length; j++) {
                        total += counts[i][j];
                    }
                    correct += counts[i][i];
                }
                int runs = (int) results.runs().stream().filter(r -> r.row().equals(row.id()) && r.task().equals(task)).count();
                Charts.confusion(png, row.label() + " · " + task,
                        String.format(Locale.ROOT, "%s target domain · accuracy %.1f %% over %d predictions (%s pooled)",
                                results.title(), total == 0 ? 0 : 100.0 * correct / total, total, runs == 1 ? "1 run" : runs + " runs"),
                        results.classNames(), counts);
                perRow.put(row.id(), png);
            }
            confusion.put(task, perRow);
        }

        ReportFiles files = new ReportFiles(out, json, out.resolve("results.md"), accuracyChart, perClassChart, confusion);
        AtomicFiles.writeString(files.markdown(), MarkdownReport.render(results, files));
        shareable(out);
        return files;
    }

    /** Atomic writes go through private temporary files; a report is for sharing, so it is made readable to all. */
    private static void shareable(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && Files.getFileStore(p).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        } catch (IOException e) {
            // Permissions are a courtesy; the report itself is complete.
        }
    }

    /** A file-system-safe name: {@code A→W} → {@code A-to-W}, {@code component:cdan+mcc} → {@code component-cdan_mcc}. */
    public static String slug(String name) {
        return name.replace("→", "-to-").replace(':', '-').replace('+', '_').replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The runs of a row, for callers that list bundles. */
    public static List<RunResult> runsOf(SuiteResults results, String row) {
        return results.runs().stream().filter(r -> r.row().equals(row)).toList();
    }
}

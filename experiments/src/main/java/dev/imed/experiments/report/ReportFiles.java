package dev.imed.experiments.report;

import java.nio.file.Path;
import java.util.Map;

/**
 * The files of one report.
 *
 * @param dir the report directory
 * @param json {@code results.json}
 * @param markdown {@code results.md}
 * @param accuracyChart the grouped bar chart of the headline metric
 * @param perClassChart per-class accuracy (suites that report it), or null
 * @param confusionCharts task name → row id → confusion matrix PNG
 */
public record ReportFiles(Path dir, Path json, Path markdown, Path accuracyChart, Path perClassChart,
                          Map<String, Map<String, Path>> confusionCharts) {

    /** The path of {@code file} from the report directory, with forward slashes, for markdown links. */
    public String relative(Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }
}

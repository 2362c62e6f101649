package dev.imed.cli;

import dev.imed.experiments.cost.CostMeter;
import dev.imed.experiments.report.SuiteResults;
import dev.imed.experiments.suite.SuiteInputs;
import dev.imed.experiments.suite.SuiteRunner;
import dev.imed.experiments.suite.SuiteSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@code imed evaluate --suite} and {@code imed demo} share: running a suite and saying where its results are. */
final class SuiteOptions {
    private SuiteOptions() {}

    static SuiteRunner.Options options(Path work, Path out, SuiteInputs inputs, String command) {
        return new SuiteRunner.Options(work, out, inputs, command, System.err, CostMeter.Settings.defaults());
    }

    /** The headline table and where everything is. */
    static void printSummary(SuiteSummary summary) {
        SuiteResults results = summary.results();
        System.out.println();
        for (String finding : dev.imed.experiments.report.Findings.of(results)) {
            System.out.println("- " + finding);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "stages: %d run, %d reused%n", summary.trained(), summary.reused());
        System.out.println("report: " + summary.report().markdown());
        System.out.println("charts: " + summary.report().accuracyChart().getParent());
        List<Path> students = summary.studentBundles();
        if (students.size() == 1) {
            System.out.println("student bundle: " + students.get(0));
        } else {
            System.out.println("student bundles: " + students.size() + ", e.g. " + students.get(0));
        }
    }

}

package dev.imed.experiments.suite;

import dev.imed.experiments.report.ReportFiles;
import dev.imed.experiments.report.SuiteResults;
import java.nio.file.Path;
import java.util.List;

/**
 * What a suite run did and wrote.
 *
 * @param results every measured run
 * @param report the report's files
 * @param stages every stage, trained or reused
 */
public record SuiteSummary(SuiteResults results, ReportFiles report, List<StageRecord> stages) {

    /** Stages that trained or evaluated something. */
    public long trained() {
        return stages.stream().filter(s -> !s.reused()).count();
    }

    /** Stages whose result was found on disk. */
    public long reused() {
        return stages.stream().filter(StageRecord::reused).count();
    }

    /** The IMED student bundles, one per task and seed. */
    public List<Path> studentBundles() {
        return stages.stream().filter(s -> s.stage().kind() == StageKind.STUDENT).map(StageRecord::output).toList();
    }
}

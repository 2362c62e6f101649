package dev.imed.experiments.suite;

import dev.imed.core.data.Domain;
import dev.imed.experiments.cost.CostMeter;
import dev.imed.experiments.cost.ModelCost;
import dev.imed.experiments.report.ReportFiles;
import dev.imed.experiments.report.ReportWriter;
import dev.imed.experiments.report.SuiteResults;
import dev.imed.experiments.report.SuiteResults.RunResult;
import dev.imed.experiments.report.SuiteResults.TaskInfo;
import dev.imed.experiments.stage.StageCache;
import dev.imed.experiments.stage.StageKey;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Runs a suite: for every task and seed it trains, or finds already trained, the components (ensemble
 * members and baselines), the IMED teacher, the IMED student and the student trained on the source alone,
 * evaluates them all on the labelled target, then measures the cost table and writes the report.
 *
 * <p>Every model lives in a {@link StageCache}, in a directory named by the {@link StageKey} of its
 * configuration and of what it was made from (the weights' digests of the bundles it was trained from),
 * written atomically, so a killed run continues from its last finished stage and a finished one reruns for
 * free; inside a stage, each trainer resumes from its own checkpoint.
 *
 * <p>This class only orchestrates: {@link ResolvedSuite} fills the preset in, {@link TaskSeedStages} runs
 * one task and seed, {@link SuiteRows} names the report's rows.
 */
public final class SuiteRunner {
    /**
     * @param work where bundles and evaluation caches live (reused across runs)
     * @param reportDir where the report is written
     * @param inputs what fills the preset's placeholders
     * @param command the command line, recorded in the report
     * @param log where the progress lines go (null: nowhere)
     * @param cost how latency is measured (null: no cost table)
     */
    public record Options(Path work, Path reportDir, SuiteInputs inputs, String command, PrintStream log,
                          CostMeter.Settings cost) {}

    private final ResolvedSuite suite;
    private final Options options;
    private final Path work;

    private SuiteRunner(SuitePreset preset, Options options) {
        this.options = options;
        this.work = options.work().toAbsolutePath().normalize();
        this.suite = new ResolvedSuite(preset, options.inputs());
    }

    /** Runs (or resumes) the suite and writes its report. */
    public static SuiteSummary run(SuitePreset preset, Options options) {
        return new SuiteRunner(preset, options).run();
    }

    /** The stages a run of the preset goes through, in order, without running anything. */
    public static List<Stage> plan(SuitePreset preset, SuiteInputs inputs) {
        return new SuiteRunner(preset, new Options(Path.of("."), Path.of("."), inputs, "", null, null)).plan();
    }

    List<Stage> plan() {
        SuitePreset preset = suite.preset();
        List<Stage> stages = new ArrayList<>();
        for (ResolvedSuite.ResolvedTask t : suite.tasks()) {
            String task = t.spec().name();
            for (long seed = 0; seed < preset.seeds(); seed++) {
                for (String method : suite.methods()) {
                    stages.add(new Stage(StageKind.COMPONENT, method, task, seed, preset.components().iterations()));
                }
                stages.add(new Stage(StageKind.TEACHER, preset.teacher().fusion(), task, seed, preset.teacher().iterations()));
                stages.add(new Stage(StageKind.STUDENT, "", task, seed, preset.student().iterations()));
                stages.add(new Stage(StageKind.SOURCE_ONLY_STUDENT, "", task, seed, preset.student().iterations()));
                stages.add(new Stage(StageKind.EVALUATION, "", task, seed, 0));
            }
        }
        return stages;
    }

    private SuiteSummary run() {
        SuitePreset preset = suite.preset();
        List<String> notes = new ArrayList<>(suite.notes());
        Map<String, Domain> domains = suite.openDomains();
        List<Stage> plan = plan();
        SuiteProgress progress = new SuiteProgress(options.log(), plan);
        List<StageRecord> records = new ArrayList<>();
        List<RunResult> runs = new ArrayList<>();
        List<SuiteResults.HeadroomRun> headroom = new ArrayList<>();
        // The cost table measures the models of the first task and seed: the others have the same architectures.
        Map<String, Path> firstBundles = new LinkedHashMap<>();
        int index = 0;
        for (ResolvedSuite.ResolvedTask t : suite.tasks()) {
            Domain source = domains.get(t.task().source());
            Domain target = domains.get(t.task().target());
            for (long seed = 0; seed < preset.seeds(); seed++) {
                TaskSeedStages stages = new TaskSeedStages(suite, work, t, seed, source, target);
                index = stages.execute(plan, index, progress, records);
                runs.addAll(stages.results());
                headroom.add(stages.headroom());
                if (firstBundles.isEmpty()) {
                    firstBundles.putAll(stages.bundles());
                }
            }
        }
        List<ModelCost> cost = List.of();
        if (options.cost() != null && !firstBundles.isEmpty()) {
            if (options.log() != null) {
                options.log().println("measuring parameters, multiply-adds and latency…");
            }
            cost = CostMeter.measure(firstBundles.get("member"), firstBundles.get("teacher"), firstBundles.get("student"), options.cost());
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int cores = Runtime.getRuntime().availableProcessors();
            if (load >= 0) {
                // Latency on a busy machine mostly measures the queue: say how busy it was.
                notes.add(String.format(Locale.ROOT, "Latency was measured with a system load average of %.1f on %d core%s%s.",
                        load, cores, cores == 1 ? "" : "s", load > cores ? ": the machine was busy, so it is inflated" : ""));
            }
        }
        List<ResolvedSuite.ResolvedTask> tasks = suite.tasks();
        SuiteResults results = new SuiteResults(preset.name(), preset.title(), options.command(), Instant.now().toString(),
                preset.perClassAccuracy() ? SuiteResults.MEAN_CLASS_ACCURACY : SuiteResults.ACCURACY, preset.perClassAccuracy(),
                domains.get(tasks.get(0).task().target()).classNames(),
                tasks.stream().map(t -> new TaskInfo(t.spec().name(), t.task().source(), t.task().target())).toList(),
                LongStream.range(0, preset.seeds()).boxed().toList(), SuiteRows.of(suite), runs, cost, suite.settings(), notes,
                headroom);
        ReportFiles files = ReportWriter.write(results, options.reportDir());
        SuiteSummary summary = new SuiteSummary(results, files, records);
        progress.finish(summary.trained(), summary.reused());
        return summary;
    }
}

package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import dev.imed.experiments.suite.SuiteInputs;
import dev.imed.experiments.suite.SuitePreset;
import dev.imed.experiments.suite.SuitePresets;
import dev.imed.experiments.suite.SuiteRunner;
import dev.imed.experiments.suite.SuiteSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imed evaluate BUNDLE --domain D}: accuracy and per-class accuracy of any bundle; or
 * {@code imed evaluate --suite NAME --out DIR}: a whole benchmark suite, trained or resumed, with its report.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measure a bundle's accuracy on a domain, or run a benchmark suite with its report.",
            "A suite trains components, averaging, IMED teacher, IMED student and source-only student",
            "for every task and writes results.json, results.md, charts and a cost table.",
            "",
            "  imed evaluate BUNDLE --domain D",
            "  imed evaluate --suite digits|office31|officehome|visda [--root DIR]",
            "                [--backbone-weights FILE] [--tasks A->W,...] [--seeds N] --out DIR"})
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", arity = "0..1", description = "a component, teacher or student bundle directory")
    Path bundleDir;
    @Option(names = "--domain", description = "labelled domain to evaluate BUNDLE on")
    String domain;
    @Option(names = "--json", description = "also write the single-bundle result as JSON to this file")
    Path json;

    @Option(names = "--suite", description = "built-in suite: digits, office31, officehome, visda")
    String suite;
    @Option(names = "--preset", description = "a suite preset YAML file (start from --show-preset's output)")
    Path preset;
    @Option(names = "--show-preset", description = "print the suite's preset YAML, to copy and edit, and exit")
    boolean showPreset;
    @Option(names = "--root", description = "dataset root, filling {root} in the preset's domains")
    Path root;
    @Option(names = "--backbone-weights", description = "TorchScript backbone for the components, e.g. an ImageNet ResNet-50 "
            + "(without it the photo suites use ResNet-50 from random init)")
    Path backboneWeights;
    @Option(names = "--student-weights", description = "TorchScript backbone for the student "
            + "(without it the photo suites use ResNet-18 from random init)")
    Path studentWeights;
    @Option(names = "--tasks", split = ",", description = "tasks to run, by name (A->W) or number; default: all")
    List<String> tasks;
    @Option(names = "--seeds", description = "seeds per task (default: the preset's)")
    Integer seeds;
    @Option(names = "--component-iterations", description = "iterations per component (default: the preset's)")
    Integer componentIterations;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--component-iters", hidden = true)
    void componentIters(Integer value) {
        componentIterations = value;
    }
    @Option(names = "--teacher-iterations", description = "teacher iterations (default: the preset's)")
    Integer teacherIterations;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--teacher-iters", hidden = true)
    void teacherIters(Integer value) {
        teacherIterations = value;
    }
    @Option(names = "--student-iterations", description = "iterations per student (default: the preset's)")
    Integer studentIterations;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--student-iters", hidden = true)
    void studentIters(Integer value) {
        studentIterations = value;
    }
    @Option(names = "--work", description = "where bundles live and are reused across runs (default: OUT/work)")
    Path work;
    @Option(names = "--out", description = "report directory (suite mode)")
    Path out;

    @Override
    public Integer call() {
        boolean suiteMode = suite != null || preset != null;
        if (suiteMode && bundleDir != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either BUNDLE (with --domain) or --suite/--preset, not both");
        }
        if (suiteMode) {
            return runSuite();
        }
        if (bundleDir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to evaluate: give BUNDLE --domain D, or --suite NAME (" + String.join(", ", SuitePresets.BUILT_IN)
                            + ") --out DIR");
        }
        if (domain == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "BUNDLE needs --domain D, the labelled domain to evaluate on");
        }
        return evaluateBundle();
    }

    private int runSuite() {
        if (showPreset) {
            System.out.print(preset != null ? SuitePresets.toYaml(SuitePresets.load(preset)) : SuitePresets.builtInText(suite));
            return 0;
        }
        if (out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a suite needs --out DIR for its report");
        }
        SuitePreset chosen = preset != null ? SuitePresets.load(preset) : SuitePresets.builtIn(suite);
        chosen = chosen.selectTasks(tasks).withIterations(orZero(componentIterations), orZero(teacherIterations), orZero(studentIterations));
        if (seeds != null) {
            chosen = chosen.withSeeds(seeds);
        }
        Path workDir = work != null ? work : out.resolve("work");
        String command = "imed " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        SuiteSummary summary = SuiteRunner.run(chosen, SuiteOptions.options(workDir, out,
                new SuiteInputs(root, backboneWeights, studentWeights), command));
        SuiteOptions.printSummary(summary);
        return 0;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private int evaluateBundle() {
        Bundle bundle = Bundle.open(bundleDir);
        Domain d = Domains.open(domain);
        try (Classifier model = Models.load(bundle)) {
            ConfusionMatrix matrix = Evaluation.evaluate(model, d);
            System.out.printf(Locale.ROOT, "%s %s on %s: accuracy %.2f%% (%d images), mean class accuracy %.2f%%%n",
                    bundle.manifest().kind(), bundle.manifest().method(), d.name(), matrix.accuracy(), matrix.total(),
                    matrix.meanClassAccuracy());
            double[] perClass = matrix.perClassAccuracy();
            for (int c = 0; c < perClass.length; c++) {
                System.out.printf(Locale.ROOT, "  %-24s %6.2f%%%n", d.classNames().get(c), perClass[c]);
            }
            if (json != null) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("bundle", bundle.dir().toString());
                result.put("kind", bundle.manifest().kind());
                result.put("method", bundle.manifest().method());
                result.put("domain", d.name());
                result.putAll(matrix.summary());
                Json.writeFile(json, result);
            }
        }
        return 0;
    }
}

package dev.imed.cli;

import dev.imed.experiments.suite.SuiteInputs;
import dev.imed.experiments.suite.SuitePreset;
import dev.imed.experiments.suite.SuitePresets;
import dev.imed.experiments.suite.SuiteRunner;
import dev.imed.experiments.suite.SuiteSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imed demo}: the main job on the embedded digits data, end to end: three components (DANN, CDAN,
 * MCC), averaging, the IMED teacher, the IMED student, the student trained on the source alone, and the
 * report with its charts. The budgets are cut so that it finishes in minutes on two CPU cores.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job: digits task syn -> mnist5k end to end, with a report.",
            "Trains 3 components (dann, cdan, mcc), averaging, IMED teacher, IMED student, source-only student, charts.",
            "Resumable: run it again and finished stages are reused."})
final class DemoCommand implements Callable<Integer> {
    // Budgets for < 10 minutes on 2 idle cores: LeNet components train at roughly 10–15 it/s, students a bit faster.
    static final int COMPONENT_ITERATIONS = 800;
    static final int TEACHER_ITERATIONS = 400;
    static final int STUDENT_ITERATIONS = 800;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", description = "run directory: report and bundles (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--component-iterations",
            description = "iterations per component (default: ${DEFAULT-VALUE})")
    int componentIterations = COMPONENT_ITERATIONS;
    /** The old names, hidden from help but still accepted. */
    @Option(names = {"--component-iters", "--iters"}, hidden = true)
    void componentIters(int value) {
        componentIterations = value;
    }
    @Option(names = "--teacher-iterations", description = "teacher iterations (default: ${DEFAULT-VALUE})")
    int teacherIterations = TEACHER_ITERATIONS;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--teacher-iters", hidden = true)
    void teacherIters(int value) {
        teacherIterations = value;
    }
    @Option(names = "--student-iterations",
            description = "iterations per student, distilled and source-only (default: ${DEFAULT-VALUE})")
    int studentIterations = STUDENT_ITERATIONS;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--student-iters", hidden = true)
    void studentIters(int value) {
        studentIterations = value;
    }
    @Option(names = "--seeds", defaultValue = "1", description = "seeds (default: ${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--baselines", split = ",", defaultValue = "",
            description = "extra components to report beside the members, e.g. source-only,cdan+e (default: none, to stay quick)")
    List<String> baselines;

    @Override
    public Integer call() {
        SuitePreset demo = preset(componentIterations, teacherIterations, studentIterations, seeds,
                baselines.stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
        String command = "imed " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        SuiteSummary summary = SuiteRunner.run(demo, SuiteOptions.options(out.resolve("work"), out.resolve("report"),
                SuiteInputs.none(), command.trim()));
        SuiteOptions.printSummary(summary);
        return 0;
    }

    /** The digits preset cut to the demo: syn → mnist5k, members dann, cdan and mcc, these budgets. */
    static SuitePreset preset(int componentIterations, int teacherIterations, int studentIterations, int seeds,
                              List<String> baselines) {
        SuitePreset digits = SuitePresets.builtIn("digits");
        return digits.selectTasks(List.of("syn→mnist5k"))
                .withComponents(digits.components().withMethods(List.of("dann", "cdan", "mcc"), baselines))
                .withIterations(componentIterations, teacherIterations, studentIterations)
                .withSeeds(seeds)
                // The report must not pass for the suite's: say the budgets are cut, and what the suite uses.
                .withTitle("Digits demo (budgets cut to stay under 10 minutes: components " + componentIterations
                        + ", teacher " + teacherIterations + ", student " + studentIterations + " iterations; the digits suite "
                        + "trains components " + digits.components().iterations() + ", teacher " + digits.teacher().iterations()
                        + ", student " + digits.student().iterations() + ")");
    }
}

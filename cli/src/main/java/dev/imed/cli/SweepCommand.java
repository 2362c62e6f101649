package dev.imed.cli;

import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.experiments.sweep.ComponentSweep;
import dev.imed.experiments.task.Task;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed sweep components|teachers|levers}: the component table, the fusion table and the lever table. */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = "Train and tabulate many runs.", subcommands = {SweepCommand.Components.class, SweepCommand.Teachers.class, SweepCommand.Levers.class})
final class SweepCommand {

    @Command(name = "components", mixinStandardHelpOptions = true,
            description = "Train (or reuse) components for every task × method × seed; write results.md and results.json.")
    static final class Components implements Callable<Integer> {
        @Option(names = "--tasks", defaultValue = "syn->mnist5k,uci1797->mnist5k,mnist5k->uci1797",
                description = "comma-separated SOURCE->TARGET (default: ${DEFAULT-VALUE})")
        String tasks;
        @Option(names = "--methods", defaultValue = "source-only,dann,cdan,cdan+e,mcc",
                completionCandidates = PluginNames.Methods.class,
                description = "comma-separated methods among ${COMPLETION-CANDIDATES} and their + combinations (default: ${DEFAULT-VALUE})")
        String methods;
        @Option(names = "--seeds", defaultValue = "1", description = "seeds 0..N-1 (default: ${DEFAULT-VALUE})")
        int seeds;
        @Option(names = "--iterations", description = "iterations per component (default: ${DEFAULT-VALUE})")
        int iterations = 2000;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--iters", hidden = true)
        void iters(int value) {
            iterations = value;
        }
        @Option(names = "--work", defaultValue = "runs/components", description = "where bundles are kept and reused (default: ${DEFAULT-VALUE})")
        Path work;
        @Option(names = "--out", required = true, description = "report directory")
        Path out;

        @Override
        public Integer call() {
            List<ComponentSweep.Run> runs = ComponentSweep.run(work, Task.parseAll(tasks),
                    Arrays.stream(methods.split(",")).map(String::trim).toList(),
                    LongStream.range(0, seeds).boxed().toList(),
                    task -> ComponentConfig.digits("source-only", task.source(), task.target()).withIterations(iterations));
            String command = "./imed sweep components --tasks " + tasks + " --methods " + methods + " --seeds " + seeds
                    + " --iterations " + iterations + " --out " + out;
            ComponentSweep.write(out, runs, command);
            System.out.println(ComponentSweep.markdown(runs));
            System.out.println("report: " + out.resolve("results.md"));
            return 0;
        }
    }

    /** What the fusion sweeps share: the runs (tasks, seeds, budgets), the teacher's loss and where bundles live. */
    static final class FusionRuns {
        @Option(names = "--tasks", defaultValue = "syn->mnist5k,uci1797->mnist5k,mnist5k->uci1797",
                description = "comma-separated SOURCE->TARGET (default: ${DEFAULT-VALUE})")
        String tasks;
        @Option(names = "--seeds", defaultValue = "3", description = "seeds 0..N-1 (default: ${DEFAULT-VALUE})")
        int seeds;
        @Option(names = "--component-iterations", description = "iterations per component, the suite's budget (default: ${DEFAULT-VALUE})")
        int componentIterations = 2000;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--component-iters", hidden = true)
        void componentIters(int value) {
            componentIterations = value;
        }
        @Option(names = "--teacher-iterations", description = "iterations per teacher (default: ${DEFAULT-VALUE})")
        int teacherIterations = 500;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--teacher-iters", hidden = true)
        void teacherIters(int value) {
            teacherIterations = value;
        }
        @picocli.CommandLine.Mixin
        TeacherLossOptions loss;
        @Option(names = "--work", defaultValue = "runs", description = "where bundles are kept and reused (default: ${DEFAULT-VALUE})")
        Path work;
        @Option(names = "--out", required = true, description = "report directory")
        Path out;

        List<Task> taskList() {
            return Task.parseAll(tasks);
        }

        List<Long> seedList() {
            return LongStream.range(0, seeds).boxed().toList();
        }

        static List<dev.imed.experiments.sweep.TeacherSweep.Ensemble> ensembles(String names) {
            return Arrays.stream(names.split(",")).map(String::trim).map(dev.imed.experiments.sweep.TeacherSweep.Ensemble::parse).toList();
        }

        java.util.function.UnaryOperator<ComponentConfig> components() {
            return c -> c.withIterations(componentIterations);
        }

        java.util.function.UnaryOperator<dev.imed.fusion.teacher.TeacherConfig> teacher() {
            return t -> loss.apply(t.withIterations(teacherIterations));
        }

        /** The options as typed, for the report's "made by" line. */
        String describe(String ensembles) {
            return "--tasks " + tasks + " --ensembles " + ensembles + " --seeds " + seeds + " --component-iterations " + componentIterations
                    + " --teacher-iterations " + teacherIterations + " " + loss.describe() + " --work " + work + " --out " + out;
        }
    }

    @Command(name = "teachers", mixinStandardHelpOptions = true,
            description = "The fusion table: per task, ensemble and seed, components, averaging, vote, global, FC and IMED fusion.")
    static final class Teachers implements Callable<Integer> {
        @Option(names = "--ensembles", defaultValue = "mixed,authors", description = "mixed (dann, cdan, mcc) and/or authors (3× cdan+mcc) (default: ${DEFAULT-VALUE})")
        String ensembles;
        @Option(names = "--fusions", defaultValue = "average,vote,entropy,global,fc,imed", completionCandidates = PluginNames.Fusions.class,
                description = "comma-separated fusions among ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
        String fusions;
        @picocli.CommandLine.Mixin
        FusionRuns runs;

        @Override
        public Integer call() {
            java.util.List<java.util.Map<String, Object>> details = new java.util.ArrayList<>();
            var entries = dev.imed.experiments.sweep.TeacherSweep.run(runs.work, runs.taskList(), FusionRuns.ensembles(ensembles),
                    runs.seedList(), Arrays.stream(fusions.split(",")).map(String::trim).map(dev.imed.fusion.net.FusionKind::parse).toList(),
                    runs.components(), runs.teacher(), details);
            String command = "./imed sweep teachers --fusions " + fusions + " " + runs.describe(ensembles);
            dev.imed.experiments.sweep.TeacherSweep.write(runs.out, entries, details, command);
            System.out.println(dev.imed.experiments.sweep.TeacherSweep.markdown(entries));
            System.out.println("report: " + runs.out.resolve("fusion-results.md"));
            return 0;
        }
    }

    @Command(name = "levers", mixinStandardHelpOptions = true,
            description = {"The IMED teacher under several lever settings, and a choice among them without target labels.",
                "Per run, every setting's teacher predicts the unlabelled target and --choose keeps one;",
                "the report sets it beside the final, kept and oracle iterates, averaging and the best member."})
    static final class Levers implements Callable<Integer> {
        @Option(names = "--ensembles", defaultValue = "mixed", description = "mixed (dann, cdan, mcc) and/or authors (3× cdan+mcc) (default: ${DEFAULT-VALUE})")
        String ensembles;
        @Option(names = "--settings", defaultValue = "paper,member-dropout=0.2,info-max=0.1,pseudo-labels=0.1,gate-balance=0.1,member-lr=0.1",
                description = "comma-separated settings: paper (no lever) or LEVER=VALUE, several joined by +; levers: "
                        + "member-dropout, info-max, pseudo-labels, gate-balance, member-lr (default: ${DEFAULT-VALUE})")
        String settings;
        @Option(names = "--choose", defaultValue = "ensv", completionCandidates = PluginNames.Selections.class,
                description = "how a setting is chosen per run without target labels: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
        String choose;
        @picocli.CommandLine.Mixin
        FusionRuns runs;

        @Override
        public Integer call() {
            var parsed = Arrays.stream(settings.split(",")).map(dev.imed.experiments.sweep.LeverSweep.Setting::parse).toList();
            var criterion = dev.imed.fusion.selection.SelectionCriterion.parse(choose);
            var result = dev.imed.experiments.sweep.LeverSweep.run(runs.work, runs.taskList(), FusionRuns.ensembles(ensembles),
                    runs.seedList(), parsed, criterion, runs.components(), runs.teacher());
            String command = "./imed sweep levers --settings " + settings + " --choose " + choose + " " + runs.describe(ensembles);
            dev.imed.experiments.sweep.LeverSweep.write(runs.out, result, criterion.id(), command);
            System.out.println(dev.imed.experiments.sweep.LeverSweep.markdown(result, criterion.id()));
            System.out.println("report: " + runs.out.resolve("levers.md"));
            return 0;
        }
    }
}

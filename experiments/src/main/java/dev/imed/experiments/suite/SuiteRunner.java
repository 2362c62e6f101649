package dev.imed.experiments.suite;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.DistillationLoss;
import dev.imed.distill.train.Distiller;
import dev.imed.ensemble.method.Methods;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.experiments.cost.CostMeter;
import dev.imed.experiments.cost.ModelCost;
import dev.imed.experiments.report.ReportFiles;
import dev.imed.experiments.report.ReportWriter;
import dev.imed.experiments.report.SuiteResults;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import dev.imed.experiments.report.SuiteResults.RowKind;
import dev.imed.experiments.report.SuiteResults.RunResult;
import dev.imed.experiments.report.SuiteResults.TaskInfo;
import dev.imed.experiments.stage.StageCache;
import dev.imed.experiments.stage.StageKey;
import dev.imed.experiments.sweep.ComponentSweep;
import dev.imed.experiments.sweep.TeacherSweep;
import dev.imed.experiments.task.Task;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.fusion.teacher.TeacherTrainer;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.Preprocessing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a suite: for every task and seed it trains, or finds already trained, the components (ensemble
 * members and baselines), the IMED teacher, the IMED student and the student trained on the source alone,
 * evaluates them all on the labelled target, then measures the cost table and writes the report.
 *
 * <p>Every model lives in a {@link StageCache}, in a directory named by the {@link StageKey} of its
 * configuration and of what it was made from (the weights' digests of the bundles it was trained from),
 * written atomically, so a killed run continues from its last finished stage and a finished one reruns for
 * free; inside a stage, each trainer resumes from its own checkpoint.
 */
public final class SuiteRunner {
    // The schedule and optimiser constants every trainer in imed shares (Transfer-Learning-Library's).
    private static final float LR_GAMMA = 0.001f;
    private static final float MOMENTUM = 0.9f;
    private static final float WEIGHT_DECAY = 5e-4f;

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

    private final SuitePreset preset;
    private final Options options;
    private final Path work;
    private final String componentBackbone;
    /** The components' preprocessing, null for their backbone's own. */
    private final Preprocessing componentPreprocessing;
    private final String studentBackbone;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Domain> domains = new LinkedHashMap<>();
    private final List<ResolvedTask> tasks = new ArrayList<>();

    private record ResolvedTask(SuitePreset.TaskSpec spec, Task task) {}

    private SuiteRunner(SuitePreset preset, Options options) {
        this.preset = SuitePresets.validate(preset, "preset " + preset.name());
        this.options = options;
        this.work = options.work().toAbsolutePath().normalize();
        this.componentBackbone = backbone("components", preset.components().backbone(), preset.components().fallbackBackbone(),
                "--backbone-weights");
        this.componentPreprocessing = preprocessing(preset.components(), componentBackbone);
        this.studentBackbone = backbone("student", preset.student().backbone(), preset.student().fallbackBackbone(),
                "--student-weights");
        for (SuitePreset.TaskSpec spec : preset.tasks()) {
            tasks.add(new ResolvedTask(spec, new Task(domainSpec(spec.source()), domainSpec(spec.target()))));
        }
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
        List<Stage> stages = new ArrayList<>();
        SuitePreset.ComponentSettings c = preset.components();
        for (ResolvedTask t : tasks) {
            for (long seed = 0; seed < preset.seeds(); seed++) {
                for (String method : methods()) {
                    stages.add(new Stage(StageKind.COMPONENT, method, t.spec().name(), seed, c.iterations()));
                }
                stages.add(new Stage(StageKind.TEACHER, preset.teacher().fusion(), t.spec().name(), seed, preset.teacher().iterations()));
                stages.add(new Stage(StageKind.STUDENT, "", t.spec().name(), seed, preset.student().iterations()));
                stages.add(new Stage(StageKind.SOURCE_ONLY_STUDENT, "", t.spec().name(), seed, preset.student().iterations()));
                stages.add(new Stage(StageKind.EVALUATION, "", t.spec().name(), seed, 0));
            }
        }
        return stages;
    }

    private List<String> methods() {
        List<String> all = new ArrayList<>();
        preset.components().members().forEach(m -> all.add(Methods.canonical(m)));
        preset.components().baselines().forEach(m -> all.add(Methods.canonical(m)));
        return all;
    }

    private SuiteSummary run() {
        openDomains();
        List<Stage> plan = plan();
        SuiteProgress progress = new SuiteProgress(options.log(), plan);
        List<StageRecord> records = new ArrayList<>();
        List<RunResult> runs = new ArrayList<>();
        List<SuiteResults.HeadroomRun> headroom = new ArrayList<>();
        Map<String, Path> firstBundles = new LinkedHashMap<>();
        int index = 0;
        for (ResolvedTask t : tasks) {
            Domain source = domains.get(t.task().source());
            Domain target = domains.get(t.task().target());
            for (long seed = 0; seed < preset.seeds(); seed++) {
                TaskSeed run = new TaskSeed(t, seed, source, target);
                index = run.execute(plan, index, progress, records);
                runs.addAll(run.results);
                headroom.add(run.headroom);
                if (firstBundles.isEmpty()) {
                    firstBundles.putAll(run.bundles);
                }
            }
        }
        List<ModelCost> cost = List.of();
        if (options.cost() != null && !firstBundles.isEmpty()) {
            if (options.log() != null) {
                options.log().println("measuring parameters, multiply-adds and latency…");
            }
            cost = CostMeter.measure(firstBundles.get("member"), firstBundles.get("teacher"), firstBundles.get("student"), options.cost());
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int cores = Runtime.getRuntime().availableProcessors();
            if (load >= 0) {
                // Latency on a busy machine mostly measures the queue: say how busy it was.
                notes.add(String.format(Locale.ROOT, "Latency was measured with a system load average of %.1f on %d core%s%s.",
                        load, cores, cores == 1 ? "" : "s", load > cores ? ": the machine was busy, so it is inflated" : ""));
            }
        }
        SuiteResults results = new SuiteResults(preset.name(), preset.title(), options.command(), Instant.now().toString(),
                preset.perClassAccuracy() ? SuiteResults.MEAN_CLASS_ACCURACY : SuiteResults.ACCURACY, preset.perClassAccuracy(),
                domains.get(tasks.get(0).task().target()).classNames(),
                tasks.stream().map(t -> new TaskInfo(t.spec().name(), t.task().source(), t.task().target())).toList(),
                java.util.stream.LongStream.range(0, preset.seeds()).boxed().toList(), rows(), runs, cost, settings(), notes, headroom);
        ReportFiles files = ReportWriter.write(results, options.reportDir());
        SuiteSummary summary = new SuiteSummary(results, files, records);
        progress.finish(summary.trained(), summary.reused());
        return summary;
    }

    /** One task and seed: its stages and its results. */
    private final class TaskSeed {
        private final ResolvedTask task;
        private final long seed;
        private final Domain source;
        private final Domain target;
        /** Every stage of the task: its components beside its teachers, students and evaluations. */
        private final StageCache cache;
        final List<RunResult> results = new ArrayList<>();
        final Map<String, Path> bundles = new LinkedHashMap<>();
        SuiteResults.HeadroomRun headroom;

        TaskSeed(ResolvedTask task, long seed, Domain source, Domain target) {
            this.task = task;
            this.seed = seed;
            this.source = source;
            this.target = target;
            this.cache = ComponentSweep.cache(work, task.task());
        }

        int execute(List<Stage> plan, int index, SuiteProgress progress, List<StageRecord> records) {
            SuitePreset.ComponentSettings c = preset.components();
            Map<String, Bundle> components = new LinkedHashMap<>();
            for (String method : methods()) {
                ComponentConfig config = ComponentConfig.builder(method, task.task().source(), task.task().target())
                        .backbone(componentBackbone).iterations(c.iterations()).batchSize(c.batchSize()).lr(c.lr())
                        .lrGamma(LR_GAMMA).momentum(MOMENTUM).weightDecay(WEIGHT_DECAY).seed(seed)
                        .checkpointEvery(preset.checkpointEvery()).preprocessing(componentPreprocessing).build();
                components.put(method, stage(plan, index++, progress, records,
                        () -> ComponentSweep.trainOrFind(work, task.task(), config)));
            }
            List<String> members = preset.components().members().stream().map(Methods::canonical).toList();
            List<Path> memberDirs = members.stream().map(m -> components.get(m).dir()).toList();

            SuitePreset.TeacherSettings ts = preset.teacher();
            TeacherConfig teacherConfig = ts.applyLevers(TeacherConfig.builder(memberDirs, task.task().source(), task.task().target())
                    .fusion(FusionKind.parse(ts.fusion())).layers(ts.layers()).iterations(ts.iterations())
                    .batchSize(ts.batchSize()).lr(ts.lr()).lrGamma(LR_GAMMA).momentum(MOMENTUM).weightDecay(WEIGHT_DECAY)
                    .seed(seed).checkpointEvery(preset.checkpointEvery())).build();
            List<String> memberDigests = members.stream().map(m -> components.get(m).sha256()).toList();
            Bundle teacher = stage(plan, index++, progress, records, () -> cache.bundle(TeacherSweep.key(teacherConfig, memberDigests),
                    out -> TeacherTrainer.train(teacherConfig, source, target, out)));

            SuitePreset.StudentSettings ss = preset.student();
            DistillConfig distill = new DistillConfig(teacher.dir(), task.task().source(), task.task().target(), studentBackbone,
                    ss.iterations(), ss.batchSize(), ss.lr(), LR_GAMMA, MOMENTUM, WEIGHT_DECAY, DistillationLoss.defaults(), seed,
                    preset.checkpointEvery());
            // The teacher is an input (by digest), not a path of the student's configuration.
            StageKey studentKey = StageKey.of("student", distill.withTeacher(null), teacher.sha256());
            Bundle student = stage(plan, index++, progress, records,
                    () -> cache.bundle(studentKey, out -> Distiller.train(distill, source, target, out)));

            DistillConfig alone = distill.withTeacher(null);
            Bundle sourceOnly = stage(plan, index++, progress, records,
                    () -> cache.bundle(StageKey.of("student-source-only", alone), out -> Distiller.train(alone, source, target, out)));

            // Evaluated: every component, the teacher and both students, on the target, in this order.
            List<String> evaluatedDigests = new ArrayList<>();
            components.values().forEach(b -> evaluatedDigests.add(b.sha256()));
            evaluatedDigests.addAll(List.of(teacher.sha256(), student.sha256(), sourceOnly.sha256()));
            StageKey evaluationKey = StageKey.of("evaluation",
                    new EvaluationConfig(target.name() + ":" + target.size(), List.copyOf(components.keySet()), seed), evaluatedDigests);
            int evaluationIndex = index++;
            progress.begin(evaluationIndex);
            long began = System.nanoTime();
            StageCache.Found<Evaluated> found = cache.json(evaluationKey, SuiteRunner::readEvaluation,
                    () -> evaluate(components, members, teacher, student, sourceOnly),
                    e -> Map.of("classNames", target.classNames(), "matrices", e.matrices(), "headroom", e.headroom()));
            boolean reused = found.reused();
            Evaluated evaluated = found.value();
            Map<String, long[][]> matrices = evaluated.matrices();
            headroom = headroomRun(task.spec().name(), seed, evaluated.headroom());
            double seconds = (System.nanoTime() - began) / 1e9;
            progress.end(evaluationIndex, reused, seconds);
            records.add(new StageRecord(plan.get(evaluationIndex), reused, seconds, cache.jsonFile(evaluationKey)));

            for (Map.Entry<String, long[][]> e : matrices.entrySet()) {
                Path bundle = switch (e.getKey()) {
                    case "average", "vote", "entropy", "teacher" -> teacher.dir();
                    case "student" -> student.dir();
                    case "student-source-only" -> sourceOnly.dir();
                    default -> components.get(e.getKey().substring("component:".length())).dir();
                };
                ConfusionMatrix m = TargetEvaluation.fromCounts(target.classNames(), e.getValue());
                Map<String, Double> perClass = new LinkedHashMap<>();
                double[] acc = m.perClassAccuracy();
                for (int k = 0; k < acc.length; k++) {
                    perClass.put(target.classNames().get(k), Double.isNaN(acc[k]) ? null : round(acc[k]));
                }
                results.add(new RunResult(task.spec().name(), seed, e.getKey(), round(m.accuracy()), round(m.meanClassAccuracy()),
                        perClass, e.getValue(), bundle.toString()));
            }
            bundles.put("member", components.get(members.get(0)).dir());
            bundles.put("teacher", teacher.dir());
            bundles.put("student", student.dir());
            return index;
        }

        private Evaluated evaluate(Map<String, Bundle> components, List<String> members, Bundle teacher, Bundle student,
                                   Bundle sourceOnly) {
            TargetEvaluation.Ensemble ensemble = TargetEvaluation.ensemble(teacher.dir(), target);
            Map<String, ConfusionMatrix> pass = ensemble.matrices();
            Map<String, long[][]> out = new LinkedHashMap<>();
            for (String method : components.keySet()) {
                int member = members.indexOf(method);
                ConfusionMatrix m = member >= 0 ? pass.get("member" + member)
                        : TargetEvaluation.component(components.get(method).dir(), target);
                out.put(componentRow(method), m.counts());
            }
            out.put("average", pass.get(TargetEvaluation.AVERAGE).counts());
            out.put("vote", pass.get(TargetEvaluation.VOTE).counts());
            out.put("entropy", pass.get(TargetEvaluation.ENTROPY).counts());
            out.put("teacher", pass.get(TargetEvaluation.TEACHER).counts());
            out.put("student", TargetEvaluation.student(student.dir(), target).counts());
            out.put("student-source-only", TargetEvaluation.student(sourceOnly.dir(), target).counts());
            return new Evaluated(out, ensemble.headroom());
        }
    }

    /** Runs one training stage, or finds it in the cache, and records which. */
    private static Bundle stage(List<Stage> plan, int index, SuiteProgress progress, List<StageRecord> records,
                                Supplier<StageCache.Found<Bundle>> trainOrFind) {
        progress.begin(index);
        long began = System.nanoTime();
        StageCache.Found<Bundle> found = trainOrFind.get();
        double seconds = (System.nanoTime() - began) / 1e9;
        progress.end(index, found.reused(), seconds);
        records.add(new StageRecord(plan.get(index), found.reused(), seconds, found.value().dir()));
        return found.value();
    }

    /**
     * What an evaluation is of, besides the digests of the bundles it evaluates.
     *
     * @param target the target domain's name and size
     * @param components the components' methods, in the order of their digests
     * @param seed the run's seed (its name shows it)
     */
    private record EvaluationConfig(String target, List<String> components, long seed) {}

    /** An evaluation stage's result: a confusion matrix per row, and the members' headroom. */
    private record Evaluated(Map<String, long[][]> matrices, Map<String, Object> headroom) {}

    private static Optional<Evaluated> readEvaluation(Path file) {
        try {
            Map<String, Object> cached = Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
            if (!(cached.get("headroom") instanceof Map<?, ?>)) {
                return Optional.empty(); // made before headroom and entropy-weighted averaging were measured: evaluate again
            }
            return Optional.of(new Evaluated(
                    Json.MAPPER.convertValue(cached.get("matrices"), new TypeReference<LinkedHashMap<String, long[][]>>() {}),
                    Json.MAPPER.convertValue(cached.get("headroom"), new TypeReference<LinkedHashMap<String, Object>>() {})));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: evaluate again
        }
    }

    private static SuiteResults.HeadroomRun headroomRun(String task, long seed, Map<String, Object> rates) {
        return new SuiteResults.HeadroomRun(task, seed, rate(rates, "oracle"), rate(rates, "bestMemberWrongAnotherRight"),
                rate(rates, "confidentMinorityRight"), rate(rates, "meanPairwiseDisagreement"));
    }

    private static double rate(Map<String, Object> rates, String key) {
        return rates.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private void openDomains() {
        for (ResolvedTask t : tasks) {
            for (String spec : List.of(t.task().source(), t.task().target())) {
                domains.computeIfAbsent(spec, Domains::open);
            }
            Domain source = domains.get(t.task().source());
            Domain target = domains.get(t.task().target());
            if (!source.labelled()) {
                throw new IllegalArgumentException(t.spec().name() + ": the source " + source.name() + " has no labels");
            }
            if (!target.labelled()) {
                throw new IllegalArgumentException(t.spec().name() + ": the target " + target.name()
                        + " has no labels, so the suite cannot measure accuracy on it (training never reads them)");
            }
            if (!source.classNames().equals(target.classNames())) {
                throw new IllegalArgumentException(t.spec().name() + ": source and target classes differ");
            }
        }
    }

    private List<RowInfo> rows() {
        List<String> members = preset.components().members().stream().map(Methods::canonical).toList();
        List<RowInfo> rows = new ArrayList<>();
        // Source-only first, as papers print it; then the UDA methods; then the ensembles and students.
        List<String> ordered = new ArrayList<>(methods());
        ordered.sort((a, b) -> Boolean.compare(!a.equals("source-only"), !b.equals("source-only")));
        for (String method : ordered) {
            String label = method.equals("source-only") ? "Source only (" + shortBackbone(componentBackbone) + ")" : methodLabel(method);
            rows.add(new RowInfo(componentRow(method), label, RowKind.COMPONENT, members.contains(method)));
        }
        int k = members.size();
        rows.add(new RowInfo("average", "Averaging (" + k + " members)", RowKind.AVERAGE, false));
        rows.add(new RowInfo("vote", "Majority vote (" + k + " members)", RowKind.VOTE, false));
        // An averaging ensemble too, listed after plain averaging, which the findings compare the teacher with.
        rows.add(new RowInfo("entropy", "Entropy-weighted averaging (" + k + " members)", RowKind.AVERAGE, false));
        String fusion = preset.teacher().fusion();
        rows.add(new RowInfo("teacher", fusion.equalsIgnoreCase("imed") ? "IMED teacher" : methodLabel(fusion) + "-fusion teacher",
                RowKind.TEACHER, false));
        rows.add(new RowInfo("student", "IMED student (" + shortBackbone(studentBackbone) + ")", RowKind.STUDENT, false));
        rows.add(new RowInfo("student-source-only", "Student, source only (" + shortBackbone(studentBackbone) + ")",
                RowKind.STUDENT_SOURCE_ONLY, false));
        return rows;
    }

    static String componentRow(String method) {
        return "component:" + method;
    }

    /** {@code cdan+e+mcc} → {@code CDAN+E+MCC}. */
    static String methodLabel(String method) {
        return method.toUpperCase(Locale.ROOT);
    }

    private static String shortBackbone(String backbone) {
        return backbone.startsWith("torchscript:") ? "TorchScript " + Path.of(backbone.substring("torchscript:".length())).getFileName()
                : backbone;
    }

    private Map<String, Object> settings() {
        SuitePreset resolved = preset
                .withComponents(preset.components().withBackbone(componentBackbone, null).withPreprocessing(
                        componentPreprocessing == null ? null : SuitePreset.PreprocessingSettings.of(componentPreprocessing)))
                .withStudent(new SuitePreset.StudentSettings(studentBackbone, null, preset.student().iterations(),
                        preset.student().batchSize(), preset.student().lr()))
                .withTasks(tasks.stream().map(t -> new SuitePreset.TaskSpec(t.spec().name(), t.task().source(), t.task().target())).toList());
        return withoutNulls(Json.MAPPER.convertValue(resolved, new TypeReference<LinkedHashMap<String, Object>>() {}));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v instanceof Map<?, ?> m ? withoutNulls((Map<String, Object>) m) : v);
            }
        });
        return out;
    }

    /**
     * The preset's preprocessing for the components' backbone; none when it is not given, or when the
     * fallback backbone, whose input imed fixes, stands in for a missing TorchScript file (a note says so).
     */
    private Preprocessing preprocessing(SuitePreset.ComponentSettings components, String backbone) {
        if (components.preprocessing() == null) {
            return null;
        }
        if (!Backbones.takesPreprocessing(backbone)) {
            notes.add("The components' preprocessing was not used: " + backbone + " has a fixed input.");
            return null;
        }
        return components.preprocessing().resolve();
    }

    private String backbone(String section, String template, String fallback, String option) {
        java.util.Optional<String> filled = options.inputs().expand(template);
        if (filled.isPresent()) {
            return filled.get();
        }
        if (fallback == null) {
            throw new IllegalArgumentException("the " + preset.name() + " preset's " + section + " backbone " + template
                    + " needs " + option + " FILE");
        }
        notes.add(String.format(Locale.ROOT, "The %s use %s from random initialisation (no %s given): expect accuracy far "
                + "below published figures, which start from ImageNet weights.", section, fallback, option));
        return fallback;
    }

    private String domainSpec(String template) {
        return options.inputs().expand(template).orElseThrow(() -> new IllegalArgumentException("the " + preset.name()
                + " preset reads its data from " + template + ": give the dataset root with --root DIR"));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

package dev.imed.experiments.suite;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.Domain;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.DistillationLoss;
import dev.imed.distill.train.Distiller;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.experiments.report.SuiteResults;
import dev.imed.experiments.report.SuiteResults.RunResult;
import dev.imed.experiments.stage.StageCache;
import dev.imed.experiments.stage.StageKey;
import dev.imed.experiments.sweep.ComponentSweep;
import dev.imed.experiments.sweep.TeacherSweep;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.fusion.teacher.TeacherTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The stages of one task and seed, in the order {@link SuiteRunner#plan} lists them: the components, the
 * teacher fused from the members, the student distilled from it, the student trained on the source alone,
 * and the evaluation of them all on the target. Each is trained, or found in the task's {@link StageCache}.
 */
final class TaskSeedStages {
    // The schedule and optimiser constants every trainer in imed shares (Transfer-Learning-Library's).
    private static final float LR_GAMMA = 0.001f;
    private static final float MOMENTUM = 0.9f;
    private static final float WEIGHT_DECAY = 5e-4f;

    private final ResolvedSuite suite;
    private final Path work;
    private final ResolvedSuite.ResolvedTask task;
    private final long seed;
    private final Domain source;
    private final Domain target;
    /** Every stage of the task: its components beside its teachers, students and evaluations. */
    private final StageCache cache;
    private final List<RunResult> results = new ArrayList<>();
    private final Map<String, Path> bundles = new LinkedHashMap<>();
    private SuiteResults.HeadroomRun headroom;

    TaskSeedStages(ResolvedSuite suite, Path work, ResolvedSuite.ResolvedTask task, long seed, Domain source, Domain target) {
        this.suite = suite;
        this.work = work;
        this.task = task;
        this.seed = seed;
        this.source = source;
        this.target = target;
        this.cache = ComponentSweep.cache(work, task.task());
    }

    /** A result per row, once {@link #execute} has run. */
    List<RunResult> results() {
        return results;
    }

    /** The first member's, the teacher's and the student's bundle (keys member, teacher, student), for the cost table. */
    Map<String, Path> bundles() {
        return bundles;
    }

    SuiteResults.HeadroomRun headroom() {
        return headroom;
    }

    /**
     * Runs this task and seed's stages, which are {@code plan}'s from {@code index} on, recording each.
     *
     * @return the index of the plan's next stage
     */
    int execute(List<Stage> plan, int index, SuiteProgress progress, List<StageRecord> records) {
        SuitePreset preset = suite.preset();
        SuitePreset.ComponentSettings c = preset.components();
        Map<String, Bundle> components = new LinkedHashMap<>();
        for (String method : suite.methods()) {
            ComponentConfig config = ComponentConfig.builder(method, task.task().source(), task.task().target())
                    .backbone(suite.componentBackbone()).iterations(c.iterations()).batchSize(c.batchSize()).lr(c.lr())
                    .lrGamma(LR_GAMMA).momentum(MOMENTUM).weightDecay(WEIGHT_DECAY).seed(seed)
                    .checkpointEvery(preset.checkpointEvery()).preprocessing(suite.componentPreprocessing()).build();
            components.put(method, stage(plan, index++, progress, records,
                    () -> ComponentSweep.trainOrFind(work, task.task(), config)));
        }
        List<String> members = suite.members();
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
        DistillConfig distill = new DistillConfig(teacher.dir(), task.task().source(), task.task().target(), suite.studentBackbone(),
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
        CachedEvaluation evaluated = stage(plan, index++, progress, records,
                () -> cache.json(evaluationKey, CachedEvaluation::read,
                        () -> evaluate(components, members, teacher, student, sourceOnly), e -> e.json(target.classNames())),
                e -> cache.jsonFile(evaluationKey));
        Map<String, long[][]> matrices = evaluated.matrices();
        headroom = evaluated.headroomRun(task.spec().name(), seed);

        for (Map.Entry<String, long[][]> e : matrices.entrySet()) {
            Path bundle = switch (e.getKey()) {
                case "average", "vote", "entropy", "teacher" -> teacher.dir();
                case "student" -> student.dir();
                case "student-source-only" -> sourceOnly.dir();
                default -> components.get(SuiteRows.componentMethod(e.getKey())).dir();
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

    /** Evaluates every model on the target; the members once, in the teacher's pass, which also measures the headroom. */
    private CachedEvaluation evaluate(Map<String, Bundle> components, List<String> members, Bundle teacher, Bundle student,
                                      Bundle sourceOnly) {
        TargetEvaluation.Ensemble ensemble = TargetEvaluation.ensemble(teacher.dir(), target);
        Map<String, ConfusionMatrix> pass = ensemble.matrices();
        Map<String, long[][]> out = new LinkedHashMap<>();
        for (String method : components.keySet()) {
            int member = members.indexOf(method);
            ConfusionMatrix m = member >= 0 ? pass.get("member" + member)
                    : TargetEvaluation.component(components.get(method).dir(), target);
            out.put(SuiteRows.componentRow(method), m.counts());
        }
        out.put("average", pass.get(TargetEvaluation.AVERAGE).counts());
        out.put("vote", pass.get(TargetEvaluation.VOTE).counts());
        out.put("entropy", pass.get(TargetEvaluation.ENTROPY).counts());
        out.put("teacher", pass.get(TargetEvaluation.TEACHER).counts());
        out.put("student", TargetEvaluation.student(student.dir(), target).counts());
        out.put("student-source-only", TargetEvaluation.student(sourceOnly.dir(), target).counts());
        return new CachedEvaluation(out, ensemble.headroom());
    }

    /** Runs one training stage, or finds it in the cache, and records which. */
    private static Bundle stage(List<Stage> plan, int index, SuiteProgress progress, List<StageRecord> records,
                                Supplier<StageCache.Found<Bundle>> trainOrFind) {
        return stage(plan, index, progress, records, trainOrFind, Bundle::dir);
    }

    /** Runs one stage, or finds it in the cache, and records which, with where its result lies. */
    private static <T> T stage(List<Stage> plan, int index, SuiteProgress progress, List<StageRecord> records,
                               Supplier<StageCache.Found<T>> runOrFind, Function<T, Path> where) {
        progress.begin(index);
        long began = System.nanoTime();
        StageCache.Found<T> found = runOrFind.get();
        double seconds = (System.nanoTime() - began) / 1e9;
        progress.end(index, found.reused(), seconds);
        records.add(new StageRecord(plan.get(index), found.reused(), seconds, where.apply(found.value())));
        return found.value();
    }

    /**
     * What an evaluation is of, besides the digests of the bundles it evaluates. It is part of the evaluation's
     * {@link StageKey}: reordering its fields keeps the key (the key sorts them); renaming or changing one does not.
     *
     * @param target the target domain's name and size
     * @param components the components' methods, in the order of their digests
     * @param seed the run's seed (its name shows it)
     */
    private record EvaluationConfig(String target, List<String> components, long seed) {}

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

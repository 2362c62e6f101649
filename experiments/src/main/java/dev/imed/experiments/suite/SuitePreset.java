package dev.imed.experiments.suite;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.model.backbone.Preprocessing;
import java.util.List;

/**
 * A benchmark suite as a user reads and edits it (YAML): the tasks, how components, the teacher and the
 * student are trained, how many seeds, what the report shows. Domain specs and backbones may hold the
 * placeholders {@code {root}}, {@code {weights}} and {@code {student-weights}}, filled by {@link SuiteInputs}.
 *
 * @param name short name, e.g. {@code office31}
 * @param title name for the report, e.g. {@code Office-31}
 * @param tasks the transfer tasks, in report order
 * @param components how the components (ensemble members and baselines) are trained
 * @param teacher how the fused teacher is trained
 * @param student how the student is distilled
 * @param seeds how many seeds each task runs (seeds 0..n−1)
 * @param perClassAccuracy whether the report adds per-class accuracy and ranks by mean class accuracy (VisDA)
 * @param checkpointEvery iterations between checkpoints inside every trainer
 */
public record SuitePreset(String name, String title, List<TaskSpec> tasks, ComponentSettings components,
                          TeacherSettings teacher, StudentSettings student, int seeds, boolean perClassAccuracy,
                          int checkpointEvery) {

    public SuitePreset {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        title = title == null ? name : title;
    }

    /**
     * One transfer task.
     *
     * @param name the label of its column, e.g. {@code A→W}
     * @param source labelled source domain spec
     * @param target target domain spec (labelled, for the report; training never reads its labels)
     */
    public record TaskSpec(String name, String source, String target) {}

    /**
     * @param backbone backbone name, possibly with a placeholder ({@code torchscript:{weights}})
     * @param fallbackBackbone used when the backbone's placeholder has no value (null: the placeholder is required)
     * @param members the UDA methods whose components the teacher fuses
     * @param baselines further methods trained and reported, but not fused
     * @param iterations iterations per component
     * @param batchSize images per domain per step
     * @param lr base learning rate
     * @param preprocessing how a TorchScript backbone's images are prepared and its output read (null: ImageNet's);
     *     the teacher and the distilled student inherit it with the components' input spec
     */
    public record ComponentSettings(String backbone, String fallbackBackbone, List<String> members, List<String> baselines,
                                    int iterations, int batchSize, float lr,
                                    @JsonInclude(JsonInclude.Include.NON_NULL) PreprocessingSettings preprocessing) {
        public ComponentSettings {
            members = members == null ? List.of() : List.copyOf(members);
            baselines = baselines == null ? List.of() : List.copyOf(baselines);
        }

        public ComponentSettings withIterations(int n) {
            return new ComponentSettings(backbone, fallbackBackbone, members, baselines, n, batchSize, lr, preprocessing);
        }

        public ComponentSettings withBatchSize(int b) {
            return new ComponentSettings(backbone, fallbackBackbone, members, baselines, iterations, b, lr, preprocessing);
        }

        public ComponentSettings withMethods(List<String> newMembers, List<String> newBaselines) {
            return new ComponentSettings(backbone, fallbackBackbone, newMembers, newBaselines, iterations, batchSize, lr, preprocessing);
        }

        public ComponentSettings withBackbone(String newBackbone, String newFallback) {
            return new ComponentSettings(newBackbone, newFallback, members, baselines, iterations, batchSize, lr, preprocessing);
        }

        public ComponentSettings withPreprocessing(PreprocessingSettings p) {
            return new ComponentSettings(backbone, fallbackBackbone, members, baselines, iterations, batchSize, lr, p);
        }
    }

    /**
     * A TorchScript backbone's preprocessing as a preset writes it: every value may be left out, and then
     * keeps ImageNet's ({@link Preprocessing#imagenetExcept}).
     *
     * @param resize shorter side before the centre crop, 0 to resize straight to the crop size
     * @param crop side of the square centre crop
     * @param mean per-channel mean (R, G, B), 0..1 scale
     * @param std per-channel standard deviation (R, G, B), 0..1 scale
     * @param pool whether a feature-map output is average-pooled (false: flattened)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PreprocessingSettings(Integer resize, Integer crop, List<Float> mean, List<Float> std, Boolean pool) {
        /** The preprocessing these settings give, checked; an error names the bad value. */
        public Preprocessing resolve() {
            return Preprocessing.imagenetExcept(resize, crop, mean, std, pool);
        }

        /** Every value written out, as a report records what ran. */
        public static PreprocessingSettings of(Preprocessing p) {
            return new PreprocessingSettings(p.resize(), p.crop(), p.mean(), p.std(), p.pool());
        }
    }

    /**
     * The teacher section. The levers and the selection are optional: left out (null), they keep the paper's
     * teacher, and the cached runs of that teacher keep their keys.
     *
     * @param fusion {@code imed}, {@code global} or {@code fc}
     * @param layers fusion layers (1..3)
     * @param iterations iterations
     * @param batchSize images per domain per step
     * @param lr base learning rate
     * @param memberDropout per-instance probability of dropping a member from the fusion's input (0)
     * @param infoMaxWeight weight of information maximisation on the fused target predictions (0)
     * @param pseudoLabelWeight weight of cross-entropy to the members' consensus pseudo-labels (0)
     * @param pseudoLabelThreshold max-probability every member must reach for a consensus pseudo-label (0.9)
     * @param gateBalanceWeight weight of the gates' load-balancing penalty (0)
     * @param memberLrScale the members' learning rate as a multiple of the teacher's; 0 keeps them frozen (0)
     * @param select how the kept iterate is chosen without target labels: {@code final}, {@code ensv} or {@code snd}
     * @param selectEvery iterations between the iterates kept as candidates (100)
     */
    public record TeacherSettings(String fusion, int layers, int iterations, int batchSize, float lr, Float memberDropout,
                                  Float infoMaxWeight, Float pseudoLabelWeight, Float pseudoLabelThreshold,
                                  Float gateBalanceWeight, Float memberLrScale, String select, Integer selectEvery) {
        public TeacherSettings withIterations(int n) {
            return new TeacherSettings(fusion, layers, n, batchSize, lr, memberDropout, infoMaxWeight, pseudoLabelWeight,
                    pseudoLabelThreshold, gateBalanceWeight, memberLrScale, select, selectEvery);
        }

        public TeacherSettings withBatchSize(int b) {
            return new TeacherSettings(fusion, layers, iterations, b, lr, memberDropout, infoMaxWeight, pseudoLabelWeight,
                    pseudoLabelThreshold, gateBalanceWeight, memberLrScale, select, selectEvery);
        }

        /** The levers and the selection set in this section, on {@code builder}; those left out keep its values. */
        public TeacherConfig.Builder applyLevers(TeacherConfig.Builder builder) {
            if (memberDropout != null) {
                builder.memberDropout(memberDropout);
            }
            if (infoMaxWeight != null) {
                builder.infoMaxWeight(infoMaxWeight);
            }
            if (pseudoLabelWeight != null) {
                builder.pseudoLabelWeight(pseudoLabelWeight);
            }
            if (pseudoLabelThreshold != null) {
                builder.pseudoLabelThreshold(pseudoLabelThreshold);
            }
            if (gateBalanceWeight != null) {
                builder.gateBalanceWeight(gateBalanceWeight);
            }
            if (memberLrScale != null) {
                builder.memberLrScale(memberLrScale);
            }
            if (select != null) {
                builder.selection(SelectionCriterion.parse(select));
            }
            if (selectEvery != null) {
                builder.selectEvery(selectEvery);
            }
            return builder;
        }
    }

    /**
     * The student settings serve both the distilled student and the source-only student it is compared with.
     *
     * @param backbone backbone name, possibly with a placeholder ({@code torchscript:{student-weights}})
     * @param fallbackBackbone used when the backbone's placeholder has no value
     * @param iterations iterations
     * @param batchSize images per domain per step
     * @param lr base learning rate
     */
    public record StudentSettings(String backbone, String fallbackBackbone, int iterations, int batchSize, float lr) {
        public StudentSettings withIterations(int n) {
            return new StudentSettings(backbone, fallbackBackbone, n, batchSize, lr);
        }

        public StudentSettings withBatchSize(int b) {
            return new StudentSettings(backbone, fallbackBackbone, iterations, b, lr);
        }
    }

    public SuitePreset withTasks(List<TaskSpec> newTasks) {
        return new SuitePreset(name, title, newTasks, components, teacher, student, seeds, perClassAccuracy, checkpointEvery);
    }

    public SuitePreset withTitle(String t) {
        return new SuitePreset(name, t, tasks, components, teacher, student, seeds, perClassAccuracy, checkpointEvery);
    }

    public SuitePreset withSeeds(int n) {
        return new SuitePreset(name, title, tasks, components, teacher, student, n, perClassAccuracy, checkpointEvery);
    }

    public SuitePreset withComponents(ComponentSettings c) {
        return new SuitePreset(name, title, tasks, c, teacher, student, seeds, perClassAccuracy, checkpointEvery);
    }

    public SuitePreset withTeacher(TeacherSettings t) {
        return new SuitePreset(name, title, tasks, components, t, student, seeds, perClassAccuracy, checkpointEvery);
    }

    public SuitePreset withStudent(StudentSettings s) {
        return new SuitePreset(name, title, tasks, components, teacher, s, seeds, perClassAccuracy, checkpointEvery);
    }

    /** The same suite with every stage's iteration budget replaced (a value ≤ 0 keeps the preset's). */
    public SuitePreset withIterations(int componentIterations, int teacherIterations, int studentIterations) {
        return withComponents(componentIterations > 0 ? components.withIterations(componentIterations) : components)
                .withTeacher(teacherIterations > 0 ? teacher.withIterations(teacherIterations) : teacher)
                .withStudent(studentIterations > 0 ? student.withIterations(studentIterations) : student);
    }

    /** The same suite with every stage's batch size replaced. */
    public SuitePreset withBatchSize(int batch) {
        return withComponents(components.withBatchSize(batch)).withTeacher(teacher.withBatchSize(batch))
                .withStudent(student.withBatchSize(batch));
    }

    /**
     * The tasks chosen by name ({@code A->W} is read as {@code A→W}, case ignored) or by 1-based position;
     * null or empty chooses all.
     */
    public SuitePreset selectTasks(List<String> selection) {
        if (selection == null || selection.isEmpty()) {
            return this;
        }
        List<TaskSpec> chosen = new java.util.ArrayList<>();
        for (String wanted : selection) {
            TaskSpec task = findTask(wanted.trim());
            if (!chosen.contains(task)) {
                chosen.add(task);
            }
        }
        return withTasks(chosen);
    }

    private TaskSpec findTask(String wanted) {
        String normalized = normalizeTaskName(wanted);
        for (TaskSpec t : tasks) {
            if (normalizeTaskName(t.name()).equals(normalized)) {
                return t;
            }
        }
        if (wanted.matches("\\d+")) {
            int index = Integer.parseInt(wanted);
            if (index >= 1 && index <= tasks.size()) {
                return tasks.get(index - 1);
            }
        }
        throw new IllegalArgumentException("suite " + name + " has no task '" + wanted + "' (tasks: "
                + String.join(", ", tasks.stream().map(TaskSpec::name).toList()) + ", or their numbers 1.." + tasks.size() + ")");
    }

    private static String normalizeTaskName(String name) {
        return name.replace("->", "→").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }
}

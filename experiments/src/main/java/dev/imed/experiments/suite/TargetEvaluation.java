package dev.imed.experiments.suite;

import dev.imed.core.data.Domain;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import dev.imed.ensemble.component.Component;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.fusion.teacher.TeacherEvaluation;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Confusion matrices of a task's models on its labelled target. The members, averaging, vote,
 * entropy-weighted averaging, the teacher and the members' headroom come from one pass of the teacher (each member runs once per image, not four times); other
 * models are evaluated on their own.
 */
final class TargetEvaluation {
    private TargetEvaluation() {}

    /** Keys of {@link #ensemble}'s result besides the members' indices. */
    static final String AVERAGE = "average";
    static final String VOTE = "vote";
    static final String ENTROPY = "entropy";
    static final String TEACHER = "teacher";

    /**
     * What one pass of the teacher measured: matrices keyed {@code member0..K-1}, {@link #AVERAGE}, {@link #VOTE},
     * {@link #ENTROPY} and {@link #TEACHER}, and the members' headroom.
     */
    record Ensemble(Map<String, ConfusionMatrix> matrices, Map<String, Object> headroom) {}

    static Ensemble ensemble(Path teacherDir, Domain target) {
        Map<String, ConfusionMatrix> out = new LinkedHashMap<>();
        try (Teacher teacher = Teacher.load(teacherDir)) {
            TeacherEvaluation.Pass pass = TeacherEvaluation.pass(teacher, target);
            for (int i = 0; i < pass.components().size(); i++) {
                out.put("member" + i, pass.components().get(i));
            }
            out.put(AVERAGE, pass.average());
            out.put(VOTE, pass.vote());
            out.put(ENTROPY, pass.entropyWeighted());
            out.put(TEACHER, pass.teacher());
            return new Ensemble(out, pass.headroom().summary());
        }
    }

    static ConfusionMatrix component(Path dir, Domain target) {
        try (Classifier model = Component.load(dir)) {
            return Evaluation.evaluate(model, target);
        }
    }

    static ConfusionMatrix student(Path dir, Domain target) {
        try (Classifier model = Student.load(dir)) {
            return Evaluation.evaluate(model, target);
        }
    }

    /** A matrix with these counts. */
    static ConfusionMatrix fromCounts(List<String> classNames, long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(classNames);
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts[t].length; p++) {
                for (long n = 0; n < counts[t][p]; n++) {
                    m.add(t, p);
                }
            }
        }
        return m;
    }
}

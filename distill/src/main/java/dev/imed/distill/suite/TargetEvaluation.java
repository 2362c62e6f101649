package dev.imed.distill.suite;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.imed.core.data.Domain;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import dev.imed.distill.student.Student;
import dev.imed.ensemble.baseline.Voting;
import dev.imed.ensemble.component.Component;
import dev.imed.fusion.teacher.Teacher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Confusion matrices of a task's models on its labelled target. The members, averaging, vote and the
 * teacher come from one pass of the teacher (each member runs once per image, not four times); other
 * models are evaluated on their own.
 */
final class TargetEvaluation {
    private TargetEvaluation() {}

    /** Keys of {@link #ensemble}'s result besides the members' indices. */
    static final String AVERAGE = "average";
    static final String VOTE = "vote";
    static final String TEACHER = "teacher";

    /** Matrices keyed {@code member0..K-1}, {@link #AVERAGE}, {@link #VOTE} and {@link #TEACHER}. */
    static Map<String, ConfusionMatrix> ensemble(Path teacherDir, Domain target) {
        Map<String, ConfusionMatrix> out = new LinkedHashMap<>();
        try (Teacher teacher = Teacher.load(teacherDir)) {
            int k = teacher.components().size();
            List<ConfusionMatrix> members = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                members.add(new ConfusionMatrix(target.classNames()));
            }
            ConfusionMatrix average = new ConfusionMatrix(target.classNames());
            ConfusionMatrix vote = new ConfusionMatrix(target.classNames());
            ConfusionMatrix fused = new ConfusionMatrix(target.classNames());
            DomainLoader loader = new DomainLoader(target.withoutLabels(), teacher.inputSpec(), false, 0);
            ParameterStore store = new ParameterStore(teacher.manager(), false);
            for (int[] indices : loader.sequentialBatches(Evaluation.BATCH)) {
                try (NDManager step = teacher.manager().newSubManager()) {
                    Batch batch = loader.load(step, indices);
                    NDList outputs = Teacher.componentOutputs(teacher.components(), batch.images());
                    NDArray logits = outputs.get(1);
                    long[] truth = new long[indices.length];
                    for (int i = 0; i < indices.length; i++) {
                        truth[i] = target.label(indices[i]);
                    }
                    for (int i = 0; i < k; i++) {
                        members.get(i).addAll(truth, logits.get(":, " + i + ", :").argMax(1).toLongArray());
                    }
                    average.addAll(truth, Voting.averageProbabilities(logits).argMax(1).toLongArray());
                    vote.addAll(truth, Voting.voteShares(logits).argMax(1).toLongArray());
                    NDArray teacherLogits = teacher.fusion() != null
                            ? teacher.fusion().apply(store, outputs.get(0), logits.softmax(2), false).get(1)
                            : teacher.logits(batch.images());
                    fused.addAll(truth, teacherLogits.argMax(1).toLongArray());
                }
            }
            for (int i = 0; i < k; i++) {
                out.put("member" + i, members.get(i));
            }
            out.put(AVERAGE, average);
            out.put(VOTE, vote);
            out.put(TEACHER, fused);
        }
        return out;
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

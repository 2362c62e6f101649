package dev.imed.fusion.teacher;

import ai.djl.ndarray.NDArray;
import dev.imed.core.data.Domain;
import dev.imed.fusion.report.OraclePick;
import dev.imed.fusion.selection.SelectionCriterion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a teacher's kept iterates its bundle keeps. The choice ({@link #choose}) sees the iterates'
 * target predictions only; what target labels would have chosen ({@link #withOracle}) is computed
 * afterwards, for the manifest's metrics, and cannot change the choice.
 *
 * @param criterion how the iterate was chosen
 * @param iterations the iterates kept, by the number of steps behind each, in order (the last is the final one)
 * @param scores each iterate's score under the criterion (higher is better)
 * @param selected the index of the chosen iterate
 */
record IterateSelection(SelectionCriterion criterion, List<Long> iterations, double[] scores, int selected) {

    /** Chooses among the iterates from their target probabilities alone. */
    static IterateSelection choose(SelectionCriterion criterion, List<Long> iterations, List<NDArray> predictions) {
        double[] scores = criterion.scores(predictions);
        return new IterateSelection(criterion, List.copyOf(iterations), scores, SelectionCriterion.best(scores));
    }

    long selectedIteration() {
        return iterations.get(selected);
    }

    long finalIteration() {
        return iterations.get(iterations.size() - 1);
    }

    /** What the manifest's training section records: the criterion, the iterates, their scores and the choice. */
    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("criterion", criterion.id());
        map.put("iterations", iterations);
        map.put("scores", Arrays.stream(scores).map(s -> Math.round(s * 1e6) / 1e6).boxed().toList());
        map.put("selected", selectedIteration());
        map.put("final", finalIteration());
        return map;
    }

    /**
     * For the report only: each iterate's accuracy on the labelled target, the selected and final iterates'
     * accuracies, and the oracle pick (the iterate the labels would choose).
     */
    Map<String, Object> withOracle(List<NDArray> predictions, Domain target) {
        int[] labels = new int[target.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = target.label(i);
        }
        List<Double> accuracies = OraclePick.accuracies(predictions, labels);
        int oracle = OraclePick.best(accuracies);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("criterion", criterion.id());
        map.put("iterations", iterations);
        map.put("accuracy", accuracies.stream().map(TeacherEvaluation::round).toList());
        map.put("selected", selectedIteration());
        map.put("selectedAccuracy", TeacherEvaluation.round(accuracies.get(selected)));
        map.put("final", finalIteration());
        map.put("finalAccuracy", TeacherEvaluation.round(accuracies.get(accuracies.size() - 1)));
        map.put("oracle", iterations.get(oracle));
        map.put("oracleAccuracy", TeacherEvaluation.round(accuracies.get(oracle)));
        return map;
    }
}

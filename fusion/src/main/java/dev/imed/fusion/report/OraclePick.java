package dev.imed.fusion.report;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidate target labels would choose, for reports that set a label-free selection beside it. It is
 * the only code near model selection that reads labels, and nothing it returns goes back into training.
 */
public final class OraclePick {
    private OraclePick() {}

    /** Each candidate's accuracy (%) against {@code labels}, for predictions {@code [N, C]} in the labels' order. */
    public static List<Double> accuracies(List<NDArray> probabilities, int[] labels) {
        List<Double> out = new ArrayList<>();
        for (NDArray p : probabilities) {
            long[] predicted = p.argMax(1).toLongArray();
            long right = 0;
            for (int n = 0; n < labels.length; n++) {
                right += predicted[n] == labels[n] ? 1 : 0;
            }
            out.add(labels.length == 0 ? 0 : 100.0 * right / labels.length);
        }
        return out;
    }

    /** The index of the most accurate candidate (the later one on a tie, as the selections break theirs). */
    public static int best(List<Double> accuracies) {
        int best = 0;
        for (int i = 1; i < accuracies.size(); i++) {
            if (accuracies.get(i) >= accuracies.get(best)) {
                best = i;
            }
        }
        return best;
    }
}

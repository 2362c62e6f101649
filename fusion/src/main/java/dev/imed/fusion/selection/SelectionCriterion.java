package dev.imed.fusion.selection;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a teacher's iterate is chosen without target labels. A criterion sees only the candidates' target
 * probabilities, each {@code [N, C]} over the same N target images in the same order; it never sees a
 * dataset, so it cannot read a label.
 */
public enum SelectionCriterion {
    /** The last iterate, as training always did: no candidates are kept. */
    FINAL("final") {
        @Override
        public double[] scores(List<NDArray> probabilities) {
            double[] scores = new double[probabilities.size()];
            scores[scores.length - 1] = 1;
            return scores;
        }
    },
    /** Agreement with the argmax of the mean of every candidate's predictions ({@link EnsembleValidation}). */
    ENSV("ensv") {
        @Override
        public double[] scores(List<NDArray> probabilities) {
            return EnsembleValidation.scores(probabilities);
        }
    },
    /** Soft neighbourhood density ({@link SoftNeighborhoodDensity}), the comparator. */
    SND("snd") {
        @Override
        public double[] scores(List<NDArray> probabilities) {
            return probabilities.stream().mapToDouble(SoftNeighborhoodDensity::score).toArray();
        }
    };

    private final String id;

    SelectionCriterion(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** One score per candidate, higher is better. */
    public abstract double[] scores(List<NDArray> probabilities);

    /** The index of the best-scoring candidate; a tie goes to the later one, the longer-trained iterate. */
    public int select(List<NDArray> probabilities) {
        if (probabilities.isEmpty()) {
            throw new IllegalArgumentException("no candidates to select from");
        }
        return best(scores(probabilities));
    }

    /** The index of the highest score, the later one on a tie. */
    public static int best(double[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] >= scores[best]) {
                best = i;
            }
        }
        return best;
    }

    public static SelectionCriterion parse(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equalsIgnoreCase(id.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown selection '" + id + "' (known: "
                        + String.join(", ", names()) + ")"));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(SelectionCriterion::id).toList();
    }

    @Override
    public String toString() {
        return id.toUpperCase(Locale.ROOT);
    }
}

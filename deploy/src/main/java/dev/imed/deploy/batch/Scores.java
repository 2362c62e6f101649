package dev.imed.deploy.batch;

import java.util.List;

/**
 * One request's results: row-major {@code [count, classes]} logits and softmax probabilities, with
 * the version of the model that computed them.
 */
public record Scores(long modelVersion, List<String> classNames, int count, float[] logits, float[] probabilities) {

    public int classes() {
        return classNames.size();
    }

    public float probability(int image, int label) {
        return probabilities[image * classes() + label];
    }

    /** The most probable label of {@code image}. */
    public int argmax(int image) {
        int classes = classes();
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[image * classes + c] > logits[image * classes + best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The softmax of each row of row-major {@code [N, classes]} logits, computed as PyTorch does (the row
     * maximum subtracted first), so that it matches an offline {@code softmax(1)} to float rounding.
     */
    public static float[] softmaxRows(float[] logits, int classes) {
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits do not form rows of " + classes + " classes");
        }
        float[] out = new float[logits.length];
        for (int from = 0; from < logits.length; from += classes) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = from; c < from + classes; c++) {
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = from; c < from + classes; c++) {
                float e = (float) Math.exp(logits[c] - max);
                out[c] = e;
                sum += e;
            }
            float scale = (float) (1 / sum);
            for (int c = from; c < from + classes; c++) {
                out[c] *= scale;
            }
        }
        return out;
    }

    /** Labels of {@code image} by descending probability, the first {@code k}. */
    public int[] topK(int image, int k) {
        int classes = classes();
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int byScore = Float.compare(logits[image * classes + b], logits[image * classes + a]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        int[] top = new int[Math.min(k, classes)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }
}

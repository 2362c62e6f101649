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

package dev.imed.core.model;

/**
 * Softmax of logits already read back to the host, computed as PyTorch does (the row maximum
 * subtracted first, so large logits do not overflow). For the few classes of a prediction this is
 * cheaper than a second native call and read-back.
 */
public final class Softmax {
    private Softmax() {}

    /** The probabilities of one row, {@code logits[offset, offset + classes)}. */
    public static double[] row(float[] logits, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            p[k] = Math.exp(logits[offset + k] - max);
            sum += p[k];
        }
        for (int k = 0; k < classes; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** The probabilities of every row of row-major {@code [N, classes]} logits. */
    public static float[] rows(float[] logits, int classes) {
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits do not form rows of " + classes + " classes");
        }
        float[] out = new float[logits.length];
        for (int from = 0; from < logits.length; from += classes) {
            double[] p = row(logits, from, classes);
            for (int k = 0; k < classes; k++) {
                out[from + k] = (float) p[k];
            }
        }
        return out;
    }
}

package dev.imed.fusion.selection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.imed.core.tensor.Scalars;

/**
 * SND (Saito et al., 2021): a model that clusters the target well gives each image many close
 * neighbours in prediction space. Normalise the predictions, take each image's softmax over its
 * cosine similarities to the others scaled by 1/τ, and average the entropy of those softmaxes;
 * higher is better. Rows are processed in blocks so that the N×N similarities never exist at once.
 */
public final class SoftNeighborhoodDensity {
    /** The softmax temperature of the method's description. */
    public static final float TEMPERATURE = 0.05f;
    private static final int BLOCK = 1024;

    private SoftNeighborhoodDensity() {}

    /** The SND of target probabilities {@code [N, C]}. */
    public static double score(NDArray probabilities) {
        long n = probabilities.getShape().get(0);
        if (n < 2) {
            return 0;
        }
        try (NDManager scratch = probabilities.getManager().newSubManager()) {
            NDArray p = probabilities.duplicate();
            p.attach(scratch);
            NDArray normalized = p.div(p.norm(new int[] {1}, true).add(1e-12f));
            NDArray total = null;
            for (long from = 0; from < n; from += BLOCK) {
                long to = Math.min(n, from + BLOCK);
                NDArray rows = normalized.get(from + ":" + to);
                NDArray logits = Scalars.dividedBy(rows.matMul(normalized.transpose()), TEMPERATURE);
                // An image is not its own neighbour: its self-similarity is masked out of the softmax.
                NDArray self = scratch.arange(from, to).expandDims(1).eq(scratch.arange(0L, n).expandDims(0));
                logits = logits.sub(Scalars.times(self.toType(ai.djl.ndarray.types.DataType.FLOAT32, false), 1e9f));
                NDArray logSoftmax = logits.logSoftmax(1);
                NDArray entropy = logSoftmax.exp().mul(logSoftmax).sum(new int[] {1}).neg().sum();
                total = total == null ? entropy : total.add(entropy);
            }
            return total.getFloat() / n;
        }
    }
}

package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;
import dev.imed.core.tensor.Scalars;

/** Loss functions shared by the UDA methods, the fusion teacher and distillation. */
public final class Losses {
    private Losses() {}

    /** Mean cross-entropy of {@code logits [N, C]} against int64 {@code labels [N]}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray picked = logp.mul(labels.oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
        return picked.mean().neg();
    }

    /** Mean over the batch of {@code −Σ softmax(target)·log_softmax(input)} (soft cross-entropy). */
    public static NDArray softCrossEntropy(NDArray input, NDArray target) {
        return softCrossEntropyToProbabilities(input, target.softmax(1));
    }

    /** Mean over the batch of {@code −Σ target·log_softmax(input)} for target probabilities {@code [N, C]}. */
    public static NDArray softCrossEntropyToProbabilities(NDArray input, NDArray target) {
        return target.mul(input.logSoftmax(1)).sum(new int[] {1}).mean().neg();
    }

    /** Per-row entropy of probabilities {@code p [N, C]}. */
    public static NDArray entropy(NDArray p) {
        return p.mul(p.add(1e-5f).log()).sum(new int[] {1}).neg();
    }

    /**
     * Binary cross-entropy with logits, computed stably as {@code max(d,0) − d·y + log(1 + e^{−|d|})},
     * optionally weighted per row; {@code label} is 1 (source) or 0 (target).
     */
    public static NDArray binaryCrossEntropy(NDArray logits, float label, NDArray weights) {
        NDArray d = logits.reshape(-1);
        NDArray loss = Scalars.atLeast(d, 0).sub(Scalars.times(d, label)).add(d.abs().neg().exp().add(1f).log());
        if (weights != null) {
            loss = loss.mul(weights);
        }
        return loss.mean();
    }

    /** Identity forward, gradient multiplied by {@code −lambda} backward. */
    public static NDArray reverseGradient(NDArray x, double lambda) {
        float l = (float) lambda;
        return Scalars.times(x, -l).add(Scalars.times(x, 1 + l).stopGradient());
    }

    /** The DANN warm-up λ = 2/(1+e^(−10p)) − 1 for progress p in [0, 1]. */
    public static double warmUp(double progress) {
        return 2.0 / (1.0 + Math.exp(-10.0 * progress)) - 1.0;
    }
}

package dev.imed.fusion.levers;

import ai.djl.ndarray.NDArray;

/**
 * Information maximisation (as in SHOT): the mean per-instance entropy of the predictions minus the entropy
 * of the batch's mean prediction. Minimising it makes each target prediction confident while keeping the
 * classes in use across the batch, a target loss none of the members was trained with.
 */
public final class InformationMaximization {
    private InformationMaximization() {}

    /** The loss for logits {@code [N, C]}. */
    public static NDArray loss(NDArray logits) {
        NDArray logP = logits.logSoftmax(1);
        NDArray meanEntropy = logP.exp().mul(logP).sum(new int[] {1}).mean().neg();
        NDArray meanPrediction = logP.exp().mean(new int[] {0});
        // ε: a class the batch never predicts contributes 0·log 0 = 0, not NaN.
        NDArray diversity = meanPrediction.mul(meanPrediction.add(1e-8f).log()).sum().neg();
        return meanEntropy.sub(diversity);
    }
}

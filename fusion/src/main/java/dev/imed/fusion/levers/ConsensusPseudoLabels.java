package dev.imed.fusion.levers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.imed.core.tensor.Scalars;

/**
 * Pseudo-labels where the ensemble is of one mind: a target instance counts when every member predicts the
 * same class with a probability of at least the threshold; the fused prediction is then trained towards that
 * class with cross-entropy. Members that disagree leave the instance to the other losses.
 */
public final class ConsensusPseudoLabels {
    private ConsensusPseudoLabels() {}

    /**
     * The instances chosen and their labels.
     *
     * @param mask {@code [N]}, 1 where all members agree confidently, else 0
     * @param labels {@code [N]} int64, the agreed class (meaningless where the mask is 0)
     */
    public record Selection(NDArray mask, NDArray labels) {}

    /** Selects from members' probabilities {@code [N, K, C]}. */
    public static Selection select(NDArray memberProbabilities, float threshold) {
        NDArray votes = memberProbabilities.argMax(2);
        NDArray first = votes.get(":, 0");
        NDArray unanimous = votes.eq(first.expandDims(1)).toType(DataType.FLOAT32, false).min(new int[] {1});
        NDArray confident = memberProbabilities.max(new int[] {2}).min(new int[] {1}).gte(threshold).toType(DataType.FLOAT32, false);
        return new Selection(unanimous.mul(confident), first);
    }

    /** Mean cross-entropy of {@code logits [N, C]} over the selected instances (0 when none is). */
    public static NDArray loss(NDArray logits, Selection selection) {
        NDArray picked = logits.logSoftmax(1).mul(selection.labels().oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
        NDArray mask = selection.mask();
        return picked.mul(mask).sum().neg().div(Scalars.atLeast(mask.sum(), 1));
    }
}

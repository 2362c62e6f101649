package dev.imed.fusion.levers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Drops whole members from the fusion's input during training: per instance, each member's feature
 * and prediction are zeroed with probability p, so that the fusion cannot lean on one member alone
 * (the copy of the best member that {@code docs/results/fusion-levers.md} measures). At least one
 * member is always kept. No rescaling: the gates are generated per instance and can learn to reweight,
 * and at inference every member is present.
 */
public final class MemberDropout {
    private MemberDropout() {}

    /**
     * A {@code [N, K]} mask of 1 (kept) and 0 (dropped). Each member is dropped with probability {@code p};
     * a row that would lose every member keeps the one with the largest draw, a uniformly random one.
     */
    public static NDArray mask(NDManager manager, long n, int k, float p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("member dropout must be in [0, 1), got " + p);
        }
        NDArray draws = manager.randomUniform(0f, 1f, new Shape(n, k));
        NDArray kept = draws.gte(p).toType(DataType.FLOAT32, false);
        NDArray noneKept = kept.sum(new int[] {1}, true).eq(0f).toType(DataType.FLOAT32, false);
        NDArray rescued = draws.argMax(1).oneHot(k).toType(DataType.FLOAT32, false).mul(noneKept);
        return kept.add(rescued);
    }

    /**
     * Stacked features {@code [N, K, D]} and probabilities {@code [N, K, C]} with the members of {@code mask}
     * zeroed (the inputs themselves when {@code mask} is null).
     */
    public static NDList apply(NDArray features, NDArray probabilities, NDArray mask) {
        if (mask == null) {
            return new NDList(features, probabilities);
        }
        NDArray m = mask.expandDims(2);
        return new NDList(features.mul(m), probabilities.mul(m));
    }
}

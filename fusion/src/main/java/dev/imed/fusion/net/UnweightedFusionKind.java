package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * An untrained fusion that weighs every member alike: the fused feature is the members' mean, the fused
 * prediction the class shares {@link #shares} computes from their logits.
 */
abstract class UnweightedFusionKind extends FusionKind {
    /** Per image, the distribution over classes {@code [N, C]} the members' stacked logits {@code [N, K, C]} give. */
    abstract NDArray shares(NDArray logits);

    @Override
    public final boolean trained() {
        return false;
    }

    /** The mean feature, and log-probabilities (ε: a class no component predicts is not log 0). */
    @Override
    public final NDList combine(NDArray features, NDArray logits) {
        return new NDList(features.mean(new int[] {1}), shares(logits).add(1e-8f).log());
    }
}

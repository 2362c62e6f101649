package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.auto.service.AutoService;
import dev.imed.core.tensor.Scalars;

/**
 * {@code entropy}: Entropy-weighted averaging (no training), the simplest instance-aware ensemble: per
 * image, member k weighs {@code w_k(x) ∝ exp(−H(p_k(x))/τ)}, so a member that is sure of this image counts
 * more than one that hesitates; the fused feature and probabilities are the w-weighted means.
 */
@AutoService(FusionKind.class)
public final class EntropyWeightedFusionKind extends FusionKind {
    /** τ in nats: a member one nat less uncertain than another weighs e times as much. */
    public static final float TEMPERATURE = 1f;

    @Override
    public String id() {
        return "entropy";
    }

    @Override
    public String label() {
        return "entropy-weighted averaging";
    }

    @Override
    public boolean trained() {
        return false;
    }

    /** The per-image member weights {@code [N, K]} for stacked logits {@code [N, K, C]}, summing to 1 per image. */
    public static NDArray weights(NDArray logits) {
        NDArray logP = logits.logSoftmax(2);
        NDArray entropy = logP.exp().mul(logP).sum(new int[] {2}).neg();
        return Scalars.dividedBy(entropy.neg(), TEMPERATURE).softmax(1);
    }

    /** The weighted mean feature, and log-probabilities (ε: a class no component predicts is not log 0). */
    @Override
    public NDList combine(NDArray features, NDArray logits) {
        NDArray w = weights(logits).expandDims(2);
        NDArray fused = features.mul(w).sum(new int[] {1});
        NDArray probabilities = logits.softmax(2).mul(w).sum(new int[] {1});
        return new NDList(fused, probabilities.add(1e-8f).log());
    }
}

package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.auto.service.AutoService;
import dev.imed.ensemble.baseline.Voting;

/** {@code average}: The mean of the components' softmax outputs (no training). */
@AutoService(FusionKind.class)
public final class AverageFusionKind extends FusionKind {
    @Override
    public String id() {
        return "average";
    }

    @Override
    public String label() {
        return "averaging";
    }

    @Override
    public boolean trained() {
        return false;
    }

    /** The mean feature, and log-probabilities (ε: a class no component predicts is not log 0). */
    @Override
    public NDList combine(NDArray features, NDArray logits) {
        return new NDList(features.mean(new int[] {1}), Voting.averageProbabilities(logits).add(1e-8f).log());
    }
}

package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.auto.service.AutoService;
import dev.imed.ensemble.baseline.Voting;

/** {@code vote}: The components' majority vote (no training), ties to the more confident class. */
@AutoService(FusionKind.class)
public final class VoteFusionKind extends FusionKind {
    @Override
    public String id() {
        return "vote";
    }

    @Override
    public String label() {
        return "majority vote";
    }

    @Override
    public boolean trained() {
        return false;
    }

    /** The mean feature, and log-probabilities (ε: a class no component predicts is not log 0). */
    @Override
    public NDList combine(NDArray features, NDArray logits) {
        return new NDList(features.mean(new int[] {1}), Voting.voteShares(logits).add(1e-8f).log());
    }
}

package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.imed.ensemble.baseline.Voting;

/** {@code vote}: The components' majority vote (no training), ties to the more confident class. */
@AutoService(FusionKind.class)
public final class VoteFusionKind extends UnweightedFusionKind {
    @Override
    public String id() {
        return "vote";
    }

    @Override
    public String label() {
        return "majority vote";
    }

    @Override
    NDArray shares(NDArray logits) {
        return Voting.voteShares(logits);
    }
}

package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.imed.ensemble.baseline.Voting;

/** {@code average}: The mean of the components' softmax outputs (no training). */
@AutoService(FusionKind.class)
public final class AverageFusionKind extends UnweightedFusionKind {
    @Override
    public String id() {
        return "average";
    }

    @Override
    public String label() {
        return "averaging";
    }

    @Override
    NDArray shares(NDArray logits) {
        return Voting.averageProbabilities(logits);
    }
}

package dev.imed.deploy.layeringfixture;

import dev.imed.distill.train.DistillConfig;

/** A deliberate back-edge, deploy → distill, that {@code LayeringRulesCanFailTest} expects the layering rule to report. */
public final class ServerReachingIntoTraining {
    private ServerReachingIntoTraining() {}

    public static DistillConfig trainingConfig() {
        return null;
    }
}

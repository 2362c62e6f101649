package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * What the two source-only baselines share: no adaptation loss, the source cross-entropy alone. They differ
 * only in whether the target batch is forwarded ({@link #forwardsTarget()}).
 */
abstract class SourceTrainingOnly implements UdaMethod {
    @Override
    public boolean adapts() {
        return false;
    }

    @Override
    public NDArray loss(Step step) {
        return step.sourceLogits().getManager().zeros(new Shape());
    }
}

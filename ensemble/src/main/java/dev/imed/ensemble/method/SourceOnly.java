package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.auto.service.AutoService;

/**
 * Empirical risk minimisation on the source domain alone, as thuml's Transfer-Learning-Library runs
 * it: only the source batch is forwarded, so BatchNorm sees source statistics only. Compare
 * {@link SourceOnlySharedBn}, which forwards the target batch too.
 */
@AutoService(UdaMethod.class)
public final class SourceOnly implements UdaMethod {
    public static final String NAME = "source-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean adapts() {
        return false;
    }

    @Override
    public NDArray loss(Step step) {
        return step.sourceLogits().getManager().zeros(new Shape());
    }
}

package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;

/** Empirical risk minimisation on the source domain alone: no adaptation term. */
public final class SourceOnly implements UdaMethod {
    public static final String NAME = "source-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray loss(Step step) {
        return step.sourceLogits().getManager().zeros(new ai.djl.ndarray.types.Shape());
    }
}

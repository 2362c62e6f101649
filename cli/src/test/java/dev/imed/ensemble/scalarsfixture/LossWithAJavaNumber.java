package dev.imed.ensemble.scalarsfixture;

import ai.djl.ndarray.NDArray;

/** A loss weighted the way DJL invites and autograd cannot keep, for {@code ScalarConstantsTest}. */
public final class LossWithAJavaNumber {
    private LossWithAJavaNumber() {}

    public static NDArray weighted(NDArray loss) {
        return loss.mul(0.5f);
    }
}

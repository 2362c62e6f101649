package dev.imed.fusion.levers;

import ai.djl.ndarray.NDArray;

/**
 * A penalty that keeps the fusion from closing its gates on all but one member: the squared coefficient
 * of variation, over the members, of each member's share of the last layer's gate mass in the batch
 * (as mixture-of-experts models balance their experts). It is 0 when every member gets the same share.
 * With one fusion layer the last layer's inputs are the members themselves; with more, they are the K
 * mixed features, one slot per member, which the penalty keeps evenly used.
 */
public final class GateLoadBalance {
    private GateLoadBalance() {}

    /** The penalty for last-layer gates {@code b [N or 1, K, D]}. */
    public static NDArray penalty(NDArray lastGates) {
        NDArray share = lastGates.sum(new int[] {0, 2});
        share = share.div(share.sum());
        NDArray mean = share.mean();
        NDArray variance = share.sub(mean).square().mean();
        return variance.div(mean.square());
    }
}

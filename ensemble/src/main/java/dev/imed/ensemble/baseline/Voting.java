package dev.imed.ensemble.baseline;

import ai.djl.ndarray.NDArray;
import dev.imed.core.tensor.Scalars;

/**
 * The two training-free ensembles over stacked component logits {@code [N, K, C]}.
 */
public final class Voting {
    private Voting() {}

    /** Mean of the components' softmax outputs, {@code [N, C]}. */
    public static NDArray averageProbabilities(NDArray stackedLogits) {
        return stackedLogits.softmax(2).mean(new int[] {1});
    }

    /**
     * Majority vote as a distribution {@code [N, C]}: the share of components voting for each class,
     * with the averaged probabilities added at a tiny weight so that ties go to the more confident class.
     */
    public static NDArray voteShares(NDArray stackedLogits) {
        long k = stackedLogits.getShape().get(1);
        int c = (int) stackedLogits.getShape().get(2);
        NDArray votes = stackedLogits.argMax(2).oneHot(c).sum(new int[] {1});
        votes = Scalars.dividedBy(votes, k);
        return votes.add(Scalars.times(averageProbabilities(stackedLogits), 1e-3f));
    }
}

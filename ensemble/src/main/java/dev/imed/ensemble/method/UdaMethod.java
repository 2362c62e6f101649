package dev.imed.ensemble.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;

/**
 * One unsupervised domain adaptation loss, added to the source cross-entropy. A method may own
 * networks of its own (a domain discriminator), which the trainer optimises with the model.
 */
public interface UdaMethod {

    /** The name users type, e.g. {@code dann} or {@code cdan+e}. */
    String name();

    /** Builds and initialises the method's own networks for features of {@code featureDim} and {@code classes}. */
    default void initialize(NDManager manager, long featureDim, int classes) {}

    /** The method's own trainable networks (empty for none). */
    default List<Block> blocks() {
        return List.of();
    }

    /**
     * The method's own weight in the total loss, before the run's trade-off multiplier: the value
     * at which it trains stably on the digits settings (32 + 32 images a step, lr 0.01).
     */
    default float weight() {
        return 1f;
    }

    /** Whether the method adds a loss term at all (the source-only baselines do not). */
    default boolean adapts() {
        return true;
    }

    /**
     * Whether the target batch goes through the network with the source batch. Every adaptation
     * method needs it; it also means BatchNorm normalises over source and target together.
     */
    default boolean forwardsTarget() {
        return adapts();
    }

    /** The method's loss term for one training step. */
    NDArray loss(Step step);
}

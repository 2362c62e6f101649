package dev.imed.fusion.net;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import dev.imed.ensemble.method.alignment.DomainDiscriminator;

/** A gate generator: Linear(in,1024)-BN-ReLU-Linear(1024,1024)-BN-ReLU-Linear(1024,out)-Sigmoid. */
public final class GateGenerator {
    public static final int HIDDEN = 1024;

    private GateGenerator() {}

    public static SequentialBlock create(long out) {
        return create(HIDDEN, out);
    }

    /** With {@code hidden} units per layer, for tests that need a tiny generator. */
    static SequentialBlock create(int hidden, long out) {
        // The discriminator's MLP shape, squashed to (0, 1).
        return DomainDiscriminator.mlp(hidden, out).add(Activation::sigmoid);
    }
}

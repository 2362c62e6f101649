package dev.imed.fusion.net;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import dev.imed.ensemble.method.alignment.DomainDiscriminator;

/** A gate generator: Linear(in,1024)-BN-ReLU-Linear(1024,1024)-BN-ReLU-Linear(1024,out)-Sigmoid. */
public final class GateGenerator {
    public static final int HIDDEN = 1024;

    private GateGenerator() {}

    public static SequentialBlock create(long out) {
        // The discriminator's MLP shape, squashed to (0, 1).
        return DomainDiscriminator.mlp(HIDDEN, out).add(Activation::sigmoid);
    }
}

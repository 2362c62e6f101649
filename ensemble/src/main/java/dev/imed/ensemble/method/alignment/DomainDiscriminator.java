package dev.imed.ensemble.method.alignment;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** The adversarial discriminator: Linear(in,1024)-BN-ReLU-Linear(1024,1024)-BN-ReLU-Linear(1024,1). */
public final class DomainDiscriminator {
    public static final int HIDDEN = 1024;

    private DomainDiscriminator() {}

    public static SequentialBlock create() {
        return mlp(HIDDEN, 1);
    }

    /** Linear(in,hidden)-BN-ReLU-Linear(hidden,hidden)-BN-ReLU-Linear(hidden,out), the shape IMED's gate generators share. */
    public static SequentialBlock mlp(int hidden, long out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(hidden).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(out).build());
    }
}

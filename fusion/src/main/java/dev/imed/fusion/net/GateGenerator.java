package dev.imed.fusion.net;

import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** A gate generator: Linear(in,1024)-BN-ReLU-Linear(1024,1024)-BN-ReLU-Linear(1024,out)-Sigmoid. */
public final class GateGenerator {
    public static final int HIDDEN = 1024;

    private GateGenerator() {}

    public static SequentialBlock create(long out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(HIDDEN).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(out).build())
                .add(Activation::sigmoid);
    }
}

package dev.imed.core.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import org.junit.jupiter.api.Test;

/** The initialisers draw from the distributions they claim: PyTorch's U(±1/√fan_in), DJL's N(0, 2/fan_in). */
class InitializationTest {
    private static final int CONV_IN = 16;
    private static final int LINEAR_IN = 512;

    private static SequentialBlock net() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(64).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Blocks.batchFlattenBlock())
                .add(new SequentialBlock().add(Linear.builder().setUnits(LINEAR_IN).build()).add(Activation::relu))
                .add(Linear.builder().setUnits(256).build());
    }

    private static Block initialised(NDManager manager, Initialization init) {
        return initialised(manager, init, 7);
    }

    private static Block initialised(NDManager manager, Initialization init, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        SequentialBlock net = net();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, CONV_IN, 9, 9));
        init.apply(net);
        return net;
    }

    private static float[] values(Block net, String suffix, int index) {
        return net.getParameters().values().stream().filter(p -> p.getName().equals(suffix)).skip(index).findFirst()
                .orElseThrow().getArray().toFloatArray();
    }

    private static double variance(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / v.length;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void pytorchDrawsWeightsAndBiasesUniformWithinOneOverRootFanIn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = initialised(manager, Initialization.PYTORCH);
            // fan_in of each layer: conv 16·5·5, first linear 64·5·5, second linear 512.
            long[] fanIns = {CONV_IN * 25, 64 * 25, LINEAR_IN};
            for (int layer = 0; layer < fanIns.length; layer++) {
                double bound = 1 / Math.sqrt(fanIns[layer]);
                float[] w = values(net, "weight", layer);
                float[] b = values(net, "bias", layer);
                assertThat(maxAbs(w)).as("layer %d weight bound", layer).isLessThanOrEqualTo(bound).isGreaterThan(0.98 * bound);
                assertThat(maxAbs(b)).as("layer %d bias bound", layer).isLessThanOrEqualTo(bound).isGreaterThan(0.5 * bound);
                // U(−a, a) has variance a²/3.
                assertThat(variance(w) / (bound * bound / 3)).as("layer %d weight variance ratio", layer).isBetween(0.93, 1.07);
            }
            // BatchNorm keeps γ = 1, β = 0.
            assertThat(values(net, "gamma", 0)).containsOnly(1f);
            assertThat(values(net, "beta", 0)).containsOnly(0f);
        }
    }

    @Test
    void djlKeepsItsOwnGaussianWeightsAndZeroBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = initialised(manager, Initialization.DJL);
            float[] w = values(net, "weight", 2);
            assertThat(variance(w) / (2.0 / LINEAR_IN)).isBetween(0.9, 1.1);
            assertThat(maxAbs(w)).isGreaterThan(1 / Math.sqrt(LINEAR_IN)); // Gaussian tails pass the uniform bound
            assertThat(values(net, "bias", 2)).containsOnly(0f);
        }
    }

    @Test
    void drawsFollowTheEngineSeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] first = values(initialised(manager, Initialization.PYTORCH), "weight", 1);
            float[] second = values(initialised(manager, Initialization.PYTORCH), "weight", 1);
            // Not containsExactly: its difference report is quadratic in the array's length.
            assertThat(java.util.Arrays.equals(first, second)).as("same seed, same draws").isTrue();
            float[] other = values(initialised(manager, Initialization.PYTORCH, 8), "weight", 1);
            assertThat(java.util.Arrays.equals(first, other)).as("another seed, other draws").isFalse();
        }
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        assertThat(Initialization.parse(" PyTorch ")).isEqualTo(Initialization.PYTORCH);
        assertThatThrownBy(() -> Initialization.parse("xavier")).hasMessageContaining("xavier").hasMessageContaining("pytorch, djl");
    }
}

package dev.imed.ensemble.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Hand values below were computed with PyTorch 1.13 (torch.nn.functional) and hard-coded. */
class LossesTest {

    @Test
    void reverseGradientIsIdentityForwardAndMinusLambdaBackward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (double lambda : new double[] {0.0, 0.3, 1.0}) {
                // A fresh leaf per case: DJL's PyTorch engine accumulates gradients across collectors.
                NDArray x = manager.create(new float[] {1.5f, -2f, 0.25f});
                x.setRequiresGradient(true);
                NDArray upstream = manager.create(new float[] {1f, 2f, -3f});
                NDArray y;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    y = Losses.reverseGradient(x, lambda);
                    collector.backward(y.mul(upstream).sum());
                }
                assertThat(y.toFloatArray()).containsExactly(new float[] {1.5f, -2f, 0.25f}, within(1e-6f));
                float l = (float) lambda;
                assertThat(x.getGradient().toFloatArray()).as("lambda %s", lambda)
                        .containsExactly(new float[] {-l, -2 * l, 3 * l}, within(1e-6f));
            }
        }
    }

    @Test
    void warmUpGoesFromZeroToOne() {
        assertThat(Losses.warmUp(0)).isEqualTo(0.0);
        assertThat(Losses.warmUp(1)).isCloseTo(0.9999092, within(1e-7));
        assertThat(Losses.warmUp(0.1)).isCloseTo(2 / (1 + Math.exp(-1)) - 1, within(1e-12));
        assertThat(Losses.warmUp(0.5)).isBetween(Losses.warmUp(0.1), Losses.warmUp(1));
    }

    @Test
    void crossEntropyMatchesPyTorch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[][] {{1, 2, 3}, {1, 0, -1}});
            NDArray labels = manager.create(new long[] {2, 1});
            // F.cross_entropy(...) = mean(log(e+e²+e³) − 3, log(e+1+1/e) − 0)
            assertThat(Losses.crossEntropy(logits, labels).getFloat()).isCloseTo(0.90760589f, within(1e-6f));
        }
    }

    @Test
    void binaryCrossEntropyMatchesPyTorchAndIsStableForLargeLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray d = manager.create(new float[] {0.3f, -1.2f, 2.0f});
            assertThat(Losses.binaryCrossEntropy(d, 1f, null).getFloat()).isCloseTo(0.71485525f, within(1e-6f));
            assertThat(Losses.binaryCrossEntropy(d, 0f, null).getFloat()).isCloseTo(1.08152199f, within(1e-6f));
            NDArray w = manager.create(new float[] {0.5f, 1f, 1.5f});
            assertThat(Losses.binaryCrossEntropy(d, 1f, w).getFloat()).isCloseTo(0.64361739f, within(1e-6f));

            // A naive −log(sigmoid(d)) gives inf for d = −100 in float32; the stable form gives 100.
            NDArray extreme = manager.create(new float[] {100f, -100f});
            extreme.setRequiresGradient(true);
            NDArray asSource;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                asSource = Losses.binaryCrossEntropy(extreme, 1f, null);
                collector.backward(asSource);
            }
            assertThat(asSource.getFloat()).isCloseTo(50f, within(1e-4f));
            assertThat(Losses.binaryCrossEntropy(extreme.stopGradient(), 0f, null).getFloat()).isCloseTo(50f, within(1e-4f));
            // d/dd mean(...) = (sigmoid(d) − 1)/2: ≈ 0 at +100, −0.5 at −100, and finite.
            assertThat(extreme.getGradient().toFloatArray()).containsExactly(new float[] {0f, -0.5f}, within(1e-6f));
        }
    }

    @Test
    void entropyOfUniformAndOneHot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[][] {{0.25f, 0.25f, 0.25f, 0.25f}, {1f, 0f, 0f, 0f}});
            float[] h = Losses.entropy(p).toFloatArray();
            assertThat(h[0]).isCloseTo((float) Math.log(4), within(1e-4f));
            assertThat(h[1]).isCloseTo(0f, within(1e-4f));
        }
    }
}

package dev.imed.ensemble.method.selftraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class MccTest {

    /**
     * The value was computed with PyTorch 1.13 following the paper (softmax at T = 2.5, weights
     * 1 + e^(−H) rescaled to sum to N, confusion Pᵀ·diag(w)·P, row-normalised, off-diagonal sum / C).
     * With two classes, row and column normalisation (thuml's broadcast) give the same value.
     */
    @Test
    void matchesTheHandComputedValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[][] {{2f, -1f}, {0.5f, 1.5f}, {-3f, 0f}});
            assertThat(Mcc.loss(logits, Mcc.TEMPERATURE).getFloat()).isCloseTo(0.39769799f, within(1e-5f));
        }
    }

    @Test
    void isZeroForConfidentDiagonalPredictionsAndLargeForConfusedOnes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray confident = manager.create(new float[][] {{50f, 0f}, {0f, 50f}, {50f, 0f}});
            assertThat(Mcc.loss(confident, Mcc.TEMPERATURE).getFloat()).isCloseTo(0f, within(1e-6f));
            // Uniform predictions: every row of the normalised confusion is (1/2, 1/2), off-diagonal sum 1, / C = 0.5.
            NDArray confused = manager.zeros(new ai.djl.ndarray.types.Shape(3, 2));
            assertThat(Mcc.loss(confused, Mcc.TEMPERATURE).getFloat()).isCloseTo(0.5f, within(1e-6f));
        }
    }
}

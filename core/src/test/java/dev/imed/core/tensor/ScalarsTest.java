package dev.imed.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    /**
     * Between forward and backward, the garbage collector runs and many other constants are made: DJL's
     * {@code x.mul(3f)} then gets the gradient 7 here (its constant's buffer was freed and reused); the engine's
     * constant keeps 3.
     */
    @Test
    void backwardReadsTheConstantEvenAfterTheCollectorRan() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 3; trial++) {
                NDArray x = manager.ones(new Shape(100));
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = Scalars.dividedBy(Scalars.times(x, 3), 0.5).add(Scalars.atLeast(x, 2));
                    for (int round = 0; round < 3; round++) {
                        System.gc();
                        Thread.sleep(20);
                        for (int k = 0; k < 20_000; k++) {
                            manager.create(7f).close();
                        }
                    }
                    collector.backward(y.sum());
                }
                // d/dx (3x / 0.5 + max(x, 2)) at x = 1: 6 + 0.
                assertThat(x.getGradient().toFloatArray()).containsOnly(6f);
                x.close();
            }
        }
    }
}

package dev.imed.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.imed.core.tensor.Scalars;
import org.junit.jupiter.api.Test;

class InPlaceReluTest {

    /** The bundled TorchScript module loads and writes the ReLU over its input (DJL's fallback would not). */
    @Test
    void overwritesItsInput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-2f, -0.5f, 0f, 0.5f, 2f});
            NDArray out = InPlaceRelu.apply(new NDList(x)).singletonOrThrow();

            assertThat(out.toFloatArray()).containsExactly(0f, 0f, 0f, 0.5f, 2f);
            assertThat(x.toFloatArray()).containsExactly(0f, 0f, 0f, 0.5f, 2f);
        }
    }

    /** Through autograd it gives the gradient of DJL's out-of-place ReLU, applied to a fresh intermediate. */
    @Test
    void sameGradientAsTheOutOfPlaceRelu() {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.randomNormal(new Shape(4, 8, 5, 5));
            w.setRequiresGradient(true);
            float[][] gradients = new float[2][];
            for (int inPlace = 0; inPlace < 2; inPlace++) {
                try (NDManager step = manager.newSubManager()) {
                    w.tempAttach(step);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray pre = w.mul(Scalars.of(w, 3f));
                        NDArray y = inPlace == 1 ? InPlaceRelu.apply(new NDList(pre)).singletonOrThrow() : Activation.relu(pre);
                        collector.backward(y.square().sum());
                    }
                    gradients[inPlace] = w.getGradient().toFloatArray();
                    w.getGradient().muli(0);
                }
            }
            assertThat(gradients[1]).containsExactly(gradients[0]);
            // Both sides of the kink are exercised: some gradients vanish, the others do not.
            long zeros = 0;
            for (float g : gradients[0]) {
                zeros += g == 0f ? 1 : 0;
            }
            assertThat(zeros).isBetween(1L, gradients[0].length - 1L);
        }
    }
}

package dev.imed.ensemble.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values come from PyTorch 1.13: {@code torch.optim.SGD([w], lr=0.1, momentum=0.9,
 * nesterov=True, weight_decay=wd)} on {@code (w − 3)²} from {@code w = 1}, two steps.
 */
class NesterovSgdTest {

    private static float[] twoSteps(float weightDecay, float lr, float lrScale) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
            w.setArray(manager.create(new float[] {1f}));
            w.getArray().setRequiresGradient(true);
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, weightDecay, List.of(new NesterovSgd.Group(List.of(w), lrScale)));
            assertThat(sgd.size()).isEqualTo(1);
            float[] trajectory = new float[2];
            for (int step = 0; step < 2; step++) {
                try (NDManager sub = manager.newSubManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray x = w.getArray();
                        collector.backward(x.sub(3f).square().sum());
                    }
                    sgd.step(lr, sub);
                }
                trajectory[step] = w.getArray().getFloat();
                // The step consumed the gradient: DJL's PyTorch engine would otherwise add the next one to it.
                assertThat(w.getArray().getGradient().getFloat()).isEqualTo(0f);
            }
            return trajectory;
        }
    }

    @Test
    void matchesPyTorchsNesterovUpdate() {
        // g0 = −4, v = −4, w1 = 1 − 0.1·(−4 + 0.9·−4) = 1.76; g1 = −2.48, v = −6.08, w2 = 1.76 + 0.1·7.952 = 2.5552
        assertThat(twoSteps(0f, 0.1f, 1f)).containsExactly(new float[] {1.76f, 2.5552f}, within(1e-6f));
    }

    @Test
    void matchesPyTorchWithWeightDecay() {
        assertThat(twoSteps(0.01f, 0.1f, 1f)).containsExactly(new float[] {1.7581f, 2.54987168f}, within(1e-6f));
    }

    @Test
    void groupScaleMultipliesTheRate() {
        // A group at scale 0.1 under base rate 1.0 moves exactly as a group at scale 1 under 0.1.
        assertThat(twoSteps(0f, 1f, 0.1f)).containsExactly(new float[] {1.76f, 2.5552f}, within(1e-6f));
    }
}

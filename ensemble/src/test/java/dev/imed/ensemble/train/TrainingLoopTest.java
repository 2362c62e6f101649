package dev.imed.ensemble.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Non-finite steps on a real parameter: one is skipped and leaves the weights finite; many in a row stop the run. */
class TrainingLoopTest {

    private static Parameter weight(NDManager manager) {
        Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        w.setArray(manager.create(new float[] {1f, -2f}));
        w.getArray().setRequiresGradient(true);
        return w;
    }

    private static TrainingLoop.Options options(long iterations) {
        return new TrainingLoop.Options("test", iterations, 1, new LearningRate(0.05f, 0f, 0.75f), 0);
    }

    @Test
    void aStepWithNonFiniteGradientsIsSkippedAndTrainingGoesOn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = weight(manager);
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 0f, List.of(new NesterovSgd.Group(List.of(w), 1f)));
            TrainingLoop.Result result = TrainingLoop.run(manager, sgd, null, options(40), (step, it, progress) -> {
                NDArray x = w.getArray();
                // Iteration 5: a finite loss whose gradient is infinite (sqrt at 0); iteration 9: a NaN loss.
                if (it == 5) {
                    return x.mul(0f).sqrt().sum();
                }
                NDArray loss = x.square().sum();
                return it == 9 ? loss.mul(Float.NaN) : loss;
            });
            assertThat(result.skippedSteps()).isEqualTo(2);
            float[] weights = w.getArray().toFloatArray();
            assertThat(Float.isFinite(weights[0]) && Float.isFinite(weights[1])).isTrue();
            // Learning happened around the skipped steps: (1, −2) moved towards the minimum at 0.
            assertThat(Math.abs(weights[0]) + Math.abs(weights[1])).isLessThan(0.5f);
            assertThat(result.summary()).containsEntry("skippedSteps", 2L);
        }
    }

    @Test
    void manyNonFiniteStepsInARowStopTheRunAsDiverged() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = weight(manager);
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 0f, List.of(new NesterovSgd.Group(List.of(w), 1f)));
            assertThatThrownBy(() -> TrainingLoop.run(manager, sgd, null, options(100),
                    (step, it, progress) -> w.getArray().square().sum().mul(it >= 20 ? Float.NaN : 1f)))
                    .isInstanceOf(DivergedException.class)
                    .hasMessageContaining("not finite for " + TrainingLoop.MAX_CONSECUTIVE_SKIPPED + " iterations in a row");
        }
    }
}

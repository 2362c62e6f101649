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
    void aFiniteLossSpikeIsSkippedLikeANonFiniteOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = weight(manager);
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 0f, List.of(new NesterovSgd.Group(List.of(w), 1f)));
            long spikeAt = TrainingLoop.SPIKE_HISTORY + 10;
            float[] before = new float[2];
            TrainingLoop.Result result = TrainingLoop.run(manager, sgd, null, options(spikeAt + 20), (step, it, progress) -> {
                // A floor keeps the median loss away from 0, as real losses are; the spike is 1e6 times it.
                NDArray loss = w.getArray().square().sum().add(1f);
                if (it == spikeAt) {
                    System.arraycopy(w.getArray().toFloatArray(), 0, before, 0, 2);
                    return loss.mul(1e6f);
                }
                return loss;
            });
            assertThat(result.skippedSteps()).isEqualTo(1);
            // The spike's gradient (1e6 times the usual) was dropped: the weights stayed near the minimum.
            float[] after = w.getArray().toFloatArray();
            assertThat(Math.abs(after[0]) + Math.abs(after[1])).isLessThan(Math.abs(before[0]) + Math.abs(before[1]) + 1e-3f);
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
                    .hasMessageContaining("not finite or spiked for " + TrainingLoop.MAX_CONSECUTIVE_SKIPPED + " iterations in a row");
        }
    }

    @Test
    void weightsThatWentBadAreRolledBackToTheLastSnapshot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.nn.core.Linear linear = ai.djl.nn.core.Linear.builder().setUnits(1).build();
            linear.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 2));
            Parameter weight = linear.getParameters().get("weight");
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 0f,
                    List.of(new NesterovSgd.Group(List.copyOf(linear.getParameters().values()), 1f)));
            Checkpoint checkpoint = new Checkpoint(dir.resolve("ckpt"), "test", List.of(linear), sgd, List.of());
            ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(manager, false);
            NDArray x = manager.create(new float[] {1f, 2f, -1f, 0.5f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray y = manager.create(new float[] {3f, -1f}, new ai.djl.ndarray.types.Shape(2, 1));
            TrainingLoop.Result result = TrainingLoop.run(manager, sgd, checkpoint, options(300), (step, it, progress) -> {
                if (it == 150) {
                    // Something broke the weights themselves: every step from here on is non-finite.
                    weight.getArray().set(new float[] {Float.NaN, Float.NaN});
                }
                NDArray out = linear.forward(store, new ai.djl.ndarray.NDList(x), true).head();
                return out.sub(y).square().mean();
            });
            assertThat(result.rollBacks()).isEqualTo(1);
            assertThat(result.skippedSteps()).isEqualTo(TrainingLoop.MAX_CONSECUTIVE_SKIPPED);
            float[] w = weight.getArray().toFloatArray();
            assertThat(Float.isFinite(w[0]) && Float.isFinite(w[1])).isTrue();
            assertThat(result.curve().last()).isLessThan(0.05f);
        }
    }
}


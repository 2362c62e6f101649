package dev.imed.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class ChannelBatchNormTest {

    /** The same output and the same running statistics as DJL's own BatchNorm, in training and in inference. */
    @Test
    void matchesDjlsBatchNorm() {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(4, 3, 5, 5);
            BatchNorm djl = (BatchNorm) BatchNorm.builder().optMomentum(0.8f).optEpsilon(1e-3f).build();
            BatchNorm direct = (BatchNorm) BatchNorm.builder().optMomentum(0.8f).optEpsilon(1e-3f).build();
            djl.initialize(manager, DataType.FLOAT32, shape);
            direct.initialize(manager, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(manager, false);
            for (String name : new String[] {"gamma", "beta"}) {
                NDArray values = manager.randomNormal(new Shape(3));
                djl.getParameters().get(name).getArray().set(values.toFloatArray());
                direct.getParameters().get(name).getArray().set(values.toFloatArray());
            }
            for (boolean training : new boolean[] {true, true, false}) {
                NDArray x = manager.randomNormal(shape).mul(2).add(1);
                NDArray expected = djl.forward(store, new NDList(x), training).singletonOrThrow();
                NDArray actual = ChannelBatchNorm.forward(direct, store, new NDList(x), training).singletonOrThrow();

                assertThat(actual.allClose(expected, 1e-5, 1e-5, false)).isTrue();
                for (String name : new String[] {"runningMean", "runningVar"}) {
                    NDArray want = djl.getParameters().get(name).getArray();
                    NDArray got = direct.getParameters().get(name).getArray();
                    assertThat(got.allClose(want, 1e-6, 1e-6, false)).as(name).isTrue();
                }
            }
            // The statistics did move, so the comparison above compared something.
            assertThat(direct.getParameters().get("runningMean").getArray().abs().sum().getFloat()).isGreaterThan(0.1f);
        }
    }
}

package dev.imed.ensemble.method.alignment;

import static dev.imed.ensemble.TestArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class MultilinearMapTest {

    @Test
    void randomizedExactlyAboveFourThousandNinetySixValues() {
        // The 256-wide bottleneck: up to 16 classes the full map (4096 values), from 17 on the random one.
        assertThat(MultilinearMap.usesRandomized(256, 16)).isFalse();
        assertThat(MultilinearMap.usesRandomized(256, 17)).isTrue();
        assertThat(MultilinearMap.usesRandomized(4096, 1)).isFalse();
        assertThat(MultilinearMap.usesRandomized(4097, 1)).isTrue();
        assertThat(new MultilinearMap(256, 16).outputDim()).isEqualTo(4096);
        assertThat(new MultilinearMap(256, 17).outputDim()).isEqualTo(1024);
        assertThat(new MultilinearMap(256, 16).getParameters().isEmpty()).isTrue();
    }

    @Test
    void fullMapIsTheFlattenedOuterProduct() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MultilinearMap map = new MultilinearMap(3, 2);
            map.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            NDArray f = manager.create(new float[][] {{1f, 2f, 3f}, {-1f, 0.5f, 4f}});
            NDArray p = manager.create(new float[][] {{0.25f, 0.75f}, {1f, 0f}});
            NDArray out = map.apply(new ParameterStore(manager, false), f, p);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 6));
            // T[n, c·D + d] = p[n, c] · f[n, d]
            assertThat(out.toFloatArray()).containsExactly(new float[] {
                0.25f, 0.5f, 0.75f, 0.75f, 1.5f, 2.25f,
                -1f, 0.5f, 4f, 0f, 0f, 0f}, within(1e-6f));
        }
    }

    @Test
    void randomizedMapHas1024ValuesAndTravelsWithTheBlock() throws Exception {
        int classes = 31;
        byte[] saved;
        float[] expected;
        float[] fValues;
        float[] pValues;
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            MultilinearMap map = new MultilinearMap(256, classes);
            map.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            assertThat(map.randomized()).isTrue();
            // The random matrices are parameters (so they are saved), but never trained.
            assertThat(map.getParameters().size()).isEqualTo(2);
            for (Parameter parameter : map.getParameters().values()) {
                assertThat(parameter.requiresGradient()).isFalse();
            }
            NDArray rf = map.getParameters().get("randomFeature").getArray();
            NDArray rg = map.getParameters().get("randomPrediction").getArray();
            assertThat(rf.getShape()).isEqualTo(new Shape(256, 1024));
            assertThat(rg.getShape()).isEqualTo(new Shape(classes, 1024));

            NDArray f = manager.randomNormal(new Shape(4, 256));
            NDArray p = manager.randomUniform(0f, 1f, new Shape(4, classes)).softmax(1);
            NDArray out = map.apply(new ParameterStore(manager, false), f, p);
            assertThat(out.getShape()).isEqualTo(new Shape(4, 1024));
            NDArray byHand = f.matMul(rf).mul(p.matMul(rg)).div(32f);
            assertThat(maxAbsDiff(out.toFloatArray(), byHand.toFloatArray())).isLessThan(1e-4);

            expected = out.toFloatArray();
            fValues = f.toFloatArray();
            pValues = p.toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            map.saveParameters(new DataOutputStream(bytes));
            saved = bytes.toByteArray();
        }

        Engine.getInstance().setRandomSeed(12);
        try (NDManager manager = NDManager.newBaseManager()) {
            MultilinearMap restored = new MultilinearMap(256, classes);
            restored.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            NDArray f = manager.create(fValues, new Shape(4, 256));
            NDArray p = manager.create(pValues, new Shape(4, classes));
            // Another seed draws other matrices: without the saved ones the map would differ.
            float[] fresh = restored.apply(new ParameterStore(manager, false), f, p).toFloatArray();
            assertThat(maxAbsDiff(fresh, expected)).isGreaterThan(1e-2);
            restored.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(saved)));
            // A new store: a ParameterStore caches each parameter's array at first use.
            float[] loaded = restored.apply(new ParameterStore(manager, false), f, p).toFloatArray();
            assertThat(maxAbsDiff(loaded, expected)).isLessThan(1e-6);
        }
    }
}

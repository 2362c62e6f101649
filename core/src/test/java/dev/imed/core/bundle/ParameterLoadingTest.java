package dev.imed.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loaded weights must not pin direct memory: the same values, in arrays the engine owns. */
class ParameterLoadingTest {

    static Block net() {
        return new SequentialBlock().add(Linear.builder().setUnits(64).build()).add(Linear.builder().setUnits(3).build());
    }

    @Test
    void loadedWeightsAreCopiedOutOfTheirDirectBuffersWithTheSameValues() throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block saved = net();
            saved.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            saved.saveParameters(new DataOutputStream(bytes));
            Map<String, float[]> expected = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : saved.getParameters()) {
                expected.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }

            // DJL's own load leaves the weights wrapping the buffers it decoded into: the check sees that.
            Block plain = net();
            plain.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            plain.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(plain.getParameters().values()).anySatisfy(p -> assertThat(ParameterLoading.wrapsJavaBuffer(p.getArray())).isTrue());

            Block owned = net();
            owned.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            ParameterLoading.load(owned, manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            for (Pair<String, Parameter> p : owned.getParameters()) {
                assertThat(ParameterLoading.wrapsJavaBuffer(p.getValue().getArray())).as(p.getKey()).isFalse();
                assertThat(p.getValue().getArray().toFloatArray()).as(p.getKey()).containsExactly(expected.get(p.getKey()));
                assertThat(p.getValue().getArray().isReleased()).isFalse();
            }
            // And the network still computes with them.
            assertThat(owned.forward(new ai.djl.training.ParameterStore(manager, false),
                    new ai.djl.ndarray.NDList(manager.ones(new Shape(2, 16))), false).singletonOrThrow().getShape())
                    .isEqualTo(new Shape(2, 3));
        }
    }
}

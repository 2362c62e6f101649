package dev.imed.core.init;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first parameters go to an .npz in the blocks' order, numbered, with their values: what the twin reads. */
class InitialParametersTest {
    @Test
    void writesEveryParameterOfEveryBlockInOrder(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(BatchNorm.builder().build());
            net.initialize(manager, DataType.FLOAT32, new Shape(2, 5));
            Block head = Linear.builder().setUnits(3).build();
            head.initialize(manager, DataType.FLOAT32, new Shape(2, 8));
            Initialization.PYTORCH.apply(net, head);

            Path file = dir.resolve("first.npz");
            InitialParameters.writeNpz(file, net, head);

            List<Parameter> expected = new ArrayList<>(net.getParameters().values());
            expected.addAll(head.getParameters().values());
            NDList read = NDList.decode(manager, Files.readAllBytes(file));
            assertThat(read).hasSize(expected.size()).hasSize(8); // Linear w, b; BN γ, β, mean, var; Linear w, b
            List<String> names = read.stream().map(a -> a.getName()).sorted().toList();
            for (int i = 0; i < expected.size(); i++) {
                String name = names.get(i);
                assertThat(name).startsWith(String.format("%03d_", i));
                float[] want = expected.get(i).getArray().toFloatArray();
                float[] got = read.stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow().toFloatArray();
                assertThat(got).as(name).containsExactly(want);
            }
        }
    }
}

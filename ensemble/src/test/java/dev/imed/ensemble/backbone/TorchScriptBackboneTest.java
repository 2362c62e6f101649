package dev.imed.ensemble.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.TestDomains;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.Preprocessing;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.net.ComponentNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptBackboneTest {

    @Test
    void loadsTheFixturesWithTheOutputsPyTorchRecorded() {
        Map<String, float[][]> expected = TorchScriptFixtures.expected();
        assertThat(expected).containsOnlyKeys(TorchScriptFixtures.TINY, TorchScriptFixtures.FEATURE_MAP);
        for (Map.Entry<String, float[][]> entry : expected.entrySet()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block backbone = Backbones.create("torchscript:" + TorchScriptFixtures.file(entry.getKey()), manager);
                assertThat(backbone).isInstanceOf(TorchScriptBackbone.class);
                NDArray out = backbone.forward(new ParameterStore(manager, false),
                        new NDList(TorchScriptFixtures.input(manager)), false).singletonOrThrow();
                // tiny_featuremap returns [2, 8, 7, 9]: the backbone must pool it to [2, 8] itself.
                assertThat(out.getShape()).as(entry.getKey()).isEqualTo(new Shape(2, 8));
                float[] got = out.toFloatArray();
                float[][] want = entry.getValue();
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 8; c++) {
                        assertThat(got[r * 8 + c]).as("%s[%d][%d]", entry.getKey(), r, c).isCloseTo(want[r][c], within(1e-5f));
                    }
                }
                // Any H, W: the output width does not depend on the input size.
                assertThat(backbone.getOutputShapes(new Shape[] {new Shape(5, 3, 31, 17)})[0]).isEqualTo(new Shape(5, 8));
            }
        }
    }

    @Test
    void exposesTrainableParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block backbone = Backbones.create("torchscript:" + TorchScriptFixtures.file(TorchScriptFixtures.TINY), manager);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : backbone.getParameters()) {
                shapes.put(p.getKey(), p.getValue().getArray().getShape());
                assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isTrue();
            }
            // conv weight + bias, BN gamma + beta (running stats are buffers, not parameters).
            assertThat(shapes.values()).containsExactlyInAnyOrder(new Shape(8, 3, 3, 3), new Shape(8), new Shape(8), new Shape(8));
            assertThat(Backbones.isPretrained("torchscript:x.pt")).isTrue();
        }
    }

    /**
     * The trainer fine-tunes a TorchScript backbone end to end, and its bundle carries the module, so
     * the bundle reloads after the original file is gone.
     */
    @Test
    void componentTrainerFineTunesItAndTheBundleNeedsNoOriginalFile(@TempDir Path dir) throws Exception {
        Path script = TorchScriptFixtures.copy(TorchScriptFixtures.TINY, dir);
        Map<String, float[]> before;
        try (NDManager manager = NDManager.newBaseManager()) {
            before = values(Backbones.create("torchscript:" + script, manager));
        }
        InMemoryDomain source = DigitDomains.open("syn:200:0");
        // TorchScript backbones take ImageNet-sized input (224²), slow on 2 CPU cores: keep the sets tiny.
        InMemoryDomain target = TestDomains.mnistSubset(20);
        ComponentConfig config = ComponentConfig.digits("dann", "syn:200:0", "mnist20")
                .withBackbone("torchscript:" + script).withIterations(5).withBatchSize(4).withLr(0.05f)
                .withCheckpointEvery(0);
        Bundle bundle = ComponentTrainer.train(config, source, target, dir.resolve("ts-component"));
        assertThat(bundle.manifest().architecture()).containsEntry("backbone", "torchscript");

        Files.delete(script);
        try (Component component = Component.load(bundle.dir())) {
            Map<String, float[]> after = values(component.net().backbone());
            assertThat(after.keySet()).isEqualTo(before.keySet());
            double maxChange = 0;
            for (String name : before.keySet()) {
                float[] a = before.get(name);
                float[] b = after.get(name);
                for (int i = 0; i < a.length; i++) {
                    maxChange = Math.max(maxChange, Math.abs(a[i] - b[i]));
                }
            }
            // The backbone learns at a tenth of 0.05 for 5 steps: far above float noise.
            assertThat(maxChange).isGreaterThan(1e-4);
            NDArray images = component.manager().randomNormal(new Shape(3, 3, 32, 32));
            NDArray logits = component.logits(images);
            assertThat(logits.getShape()).isEqualTo(new Shape(3, 10));
            assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
        }
    }

    /**
     * A component trained with its own preprocessing (a 12-pixel crop after resizing to 14, its own mean
     * and std, no pooling) feeds the backbone images of that size, and its bundle keeps the preprocessing:
     * reloaded, it is evaluated on images prepared the same way. The fixture returns its feature map
     * [N, 8, H, W]; flattened, that is 8·H·W features, so the bottleneck's input width tells the size of
     * the images the backbone saw, and a batch of any other size would not fit it.
     */
    @Test
    void aComponentTrainedWithItsOwnPreprocessingIsFedAndEvaluatedThatWay(@TempDir Path dir) {
        Path script = TorchScriptFixtures.copy(TorchScriptFixtures.FEATURE_MAP, dir);
        Preprocessing preprocessing = Preprocessing.imagenetExcept(14, 12, List.of(0.4f, 0.45f, 0.5f), List.of(0.3f, 0.25f, 0.2f), false);
        InMemoryDomain source = DigitDomains.open("syn:200:0");
        InMemoryDomain target = TestDomains.mnistSubset(20);
        ComponentConfig config = ComponentConfig.digits("dann", "syn:200:0", "mnist20")
                .withBackbone("torchscript:" + script).withPreprocessing(preprocessing).withIterations(3).withBatchSize(4)
                .withCheckpointEvery(0);
        Bundle bundle = ComponentTrainer.train(config, source, target, dir.resolve("preprocessed"));

        Bundle reopened = Bundle.open(bundle.dir());
        InputSpec spec = reopened.manifest().input();
        assertThat(List.of(spec.height(), spec.width(), spec.resize())).containsExactly(12, 12, 14);
        assertThat(spec.mean()).containsExactly(0.4f, 0.45f, 0.5f);
        assertThat(spec.std()).containsExactly(0.3f, 0.25f, 0.2f);
        assertThat(reopened.manifest().architecture()).containsEntry("backbone", "torchscript").containsEntry(ComponentNet.POOL, false);
        assertThat(reopened.manifest().training()).containsKey("preprocessing");

        try (Component component = Component.load(bundle.dir())) {
            assertThat(component.net().backbone()).isInstanceOf(TorchScriptBackbone.class)
                    .satisfies(b -> assertThat(((TorchScriptBackbone) b).pools()).isFalse());
            Shape bottleneckWeight = component.net().getParameters().stream()
                    .filter(p -> p.getKey().contains("bottleneck") && p.getValue().getArray().getShape().dimension() == 2)
                    .findFirst().orElseThrow().getValue().getArray().getShape();
            assertThat(bottleneckWeight).isEqualTo(new Shape(ComponentNet.BOTTLENECK, 8 * 12 * 12));
            assertThat(component.inputSpec()).usingRecursiveComparison().isEqualTo(preprocessing.inputSpec());
            // Evaluation prepares the target from the bundle's spec: any other size would not fit the bottleneck.
            assertThat(dev.imed.core.model.Evaluation.evaluate(component, target).total()).isEqualTo(20);
        }
    }

    /** A bundle written before pooling could be switched off has no architecture.pool: it pools. */
    @Test
    void aManifestWithoutPoolMeansPooled() {
        Manifest old = new Manifest(Manifest.FORMAT, "component", "dann", Map.of("backbone", "torchscript", "bottleneck", 256),
                List.of("a"), InputSpec.imagenet(), Map.of(), 0, "s", "t", Map.of(), Map.of(), null, null, 0);
        assertThat(ComponentNet.pools(old)).isTrue();
        Manifest flattened = new Manifest(Manifest.FORMAT, "component", "dann",
                Map.of("backbone", "torchscript", "bottleneck", 256, ComponentNet.POOL, false),
                List.of("a"), InputSpec.imagenet(), Map.of(), 0, "s", "t", Map.of(), Map.of(), null, null, 0);
        assertThat(ComponentNet.pools(flattened)).isFalse();
    }

    /** A fine-tuned TorchScript component gives the same logits after a write and a reload without the .pt. */
    @Test
    void bundleRoundTripKeepsTheLogitsOfAFineTunedModule(@TempDir Path dir) throws Exception {
        Path script = TorchScriptFixtures.copy(TorchScriptFixtures.TINY, dir);
        float[] expected;
        Bundle bundle;
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(Backbones.create("torchscript:" + script, manager), 16, 3);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 12, 12));
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 0f,
                    List.of(new NesterovSgd.Group(List.copyOf(net.getParameters().values()), 1f)));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(6, 3, 12, 12));
            NDArray y = manager.create(new long[] {0, 1, 2, 0, 1, 2});
            for (int step = 0; step < 3; step++) {
                try (NDManager sub = manager.newSubManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.forward(store, new NDList(x), true).get(1);
                        collector.backward(Losses.crossEntropy(logits, y));
                    }
                    // As in TrainingLoop: the update runs once the collector is closed (no grad mode).
                    sgd.step(0.1f, sub);
                }
            }
            expected = net.forward(store, new NDList(x), false).get(1).toFloatArray();
            Manifest manifest = new Manifest(Manifest.FORMAT, "component", "test",
                    Map.of("backbone", "torchscript", "bottleneck", 16), List.of("a", "b", "c"),
                    new InputSpec(12, 12, 0, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, false),
                    Map.of(), 7, "s", "t", Map.of(), Map.of(), null, null, 0);
            bundle = Bundle.write(dir.resolve("bundle"), manifest, net);

            Files.delete(script);
            try (Component component = Component.load(bundle.dir())) {
                NDArray again = component.logits(component.manager().create(x.toFloatArray(), x.getShape()));
                assertThat(again.toFloatArray()).containsExactly(expected, within(1e-6f));
            }
        }
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}

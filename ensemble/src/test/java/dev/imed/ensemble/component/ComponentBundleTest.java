package dev.imed.ensemble.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Json;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentBundleTest {
    private static final Shape INPUT = new Shape(4, 3, 28, 28);

    /** Writes a LeNet component whose BN running statistics moved away from (0, 1); returns its logits on {@code x}. */
    private static float[] writeComponent(Path dir, float[] x) {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(Backbones.create("lenet", manager), ComponentNet.BOTTLENECK, 10);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray images = manager.create(x, INPUT);
            // A training-mode pass updates the running statistics, which the bundle must then carry.
            net.forward(store, new NDList(images.mul(3f).add(1f)), true);
            float[] logits = net.forward(store, new NDList(images), false).get(1).toFloatArray();
            Bundle.write(dir, manifest(ComponentNet.BOTTLENECK), net);
            return logits;
        }
    }

    private static Manifest manifest(int bottleneck) {
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("backbone", "lenet");
        architecture.put("bottleneck", bottleneck);
        return new Manifest(Manifest.FORMAT, "component", "dann", architecture, DigitDomains.CLASSES,
                InputSpec.digits(), Map.of(), 3, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
    }

    private static float[] input() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            return manager.randomNormal(INPUT).toFloatArray();
        }
    }

    @Test
    void reloadedComponentGivesIdenticalLogits(@TempDir Path tmp) {
        float[] x = input();
        float[] before = writeComponent(tmp.resolve("c"), x);
        try (Component component = Component.load(tmp.resolve("c"))) {
            float[] after = component.logits(component.manager().create(x, INPUT)).toFloatArray();
            assertThat(after).containsExactly(before, within(1e-6f));
            assertThat(component.classNames()).isEqualTo(DigitDomains.CLASSES);
            assertThat(component.manifest().weightsSha256()).hasSize(64);
        }
    }

    @Test
    void aFlippedWeightByteFailsTheChecksum(@TempDir Path tmp) throws IOException {
        writeComponent(tmp.resolve("c"), input());
        Path weights = tmp.resolve("c").resolve(Bundle.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(weights, bytes);
        assertThatThrownBy(() -> Bundle.open(tmp.resolve("c")))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("checksum")
                .hasMessageContaining(Bundle.WEIGHTS);
        assertThatThrownBy(() -> Component.load(tmp.resolve("c"))).hasMessageContaining("checksum");
    }

    @Test
    void anArchitectureThatDoesNotFitTheWeightsIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("c");
        writeComponent(dir, input());
        // Same (valid) weights and checksum, but the manifest claims a 128-wide bottleneck.
        Manifest written = Bundle.open(dir).manifest();
        Map<String, Object> architecture = new LinkedHashMap<>(written.architecture());
        architecture.put("bottleneck", 128);
        Manifest lying = new Manifest(written.format(), written.kind(), written.method(), architecture,
                written.classNames(), written.input(), written.training(), written.seed(), written.source(),
                written.target(), written.metrics(), written.lineage(), written.created(), written.weightsSha256(),
                written.version());
        Files.writeString(dir.resolve(Bundle.MANIFEST), Json.write(lying));
        // e.g. "…/weights.params: parameter 02bottleneck_01Linear_weight has shape (256, 512) but the network needs (128, 512)"
        assertThatThrownBy(() -> Component.load(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("bottleneck")
                .hasMessageContaining("(128")
                .hasMessageContaining("(256");
    }

    @Test
    void writingLeavesNoStagingDirectoryAndReplacesAWholeBundle(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("c");
        writeComponent(dir, input());
        String first = Bundle.open(dir).sha256();
        assertThat(siblings(tmp)).containsExactly("c");

        // Overwriting: the new bundle replaces the old one whole, and nothing else is left behind.
        float[] x = input();
        for (int i = 0; i < x.length; i++) {
            x[i] *= 2;
        }
        writeComponent(dir, x);
        assertThat(Bundle.open(dir).sha256()).isNotEqualTo(first);
        assertThat(siblings(tmp)).containsExactly("c");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(Bundle.MANIFEST, Bundle.WEIGHTS);
        }
    }

    @Test
    void aBundleAssembledUnderItsStagingNameAppearsOnlyWhenPublished(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("c");
        writeComponent(dir, input());
        String old = Bundle.open(dir).sha256();
        float[] x = input();
        for (int i = 0; i < x.length; i++) {
            x[i] *= 2;
        }
        writeComponent(Bundle.stagingDir(dir), x);
        // Still being completed (metrics not yet measured): the old bundle is what dir holds.
        assertThat(Bundle.open(dir).sha256()).isEqualTo(old);
        Bundle staged = Bundle.open(Bundle.stagingDir(dir));

        Bundle published = staged.publishAt(dir);
        assertThat(published.dir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(published.sha256()).isEqualTo(staged.sha256()).isNotEqualTo(old);
        assertThat(Bundle.open(dir).sha256()).isEqualTo(staged.sha256());
        assertThat(siblings(tmp)).containsExactly("c");
    }

    @Test
    void writeAndPublishRecordsTheMetricsBeforeTheBundleAppears(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("c");
        writeComponent(dir, input());
        String old = Bundle.open(dir).sha256();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            ComponentNet net = new ComponentNet(Backbones.create("lenet", manager), ComponentNet.BOTTLENECK, 10);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));

            // A completion that fails (say, the target is unreadable) publishes nothing: dir keeps the old bundle.
            assertThatThrownBy(() -> Bundle.writeAndPublish(dir, manifest(ComponentNet.BOTTLENECK), net, written -> {
                assertThat(Bundle.open(dir).sha256()).isEqualTo(old);
                throw new BundleException("target unreadable");
            })).hasMessageContaining("target unreadable");
            assertThat(Bundle.open(dir).sha256()).isEqualTo(old);
            assertThat(siblings(tmp)).containsExactly("c");

            Bundle published = Bundle.writeAndPublish(dir, manifest(ComponentNet.BOTTLENECK), net,
                    written -> written.withMetric("target", Map.of("accuracy", 0.5)));
            assertThat(published.sha256()).isNotEqualTo(old);
            assertThat(Bundle.open(dir).manifest().metrics()).containsEntry("target", Map.of("accuracy", 0.5));
        }
        assertThat(siblings(tmp)).containsExactly("c");
    }

    @Test
    void aFailedWriteKeepsTheOldBundleAndLeavesNothingBehind(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("c");
        writeComponent(dir, input());
        String before = Bundle.open(dir).sha256();
        SequentialBlock failing = new SequentialBlock() {
            @Override
            public void saveParameters(DataOutputStream os) throws IOException {
                os.write(new byte[4096]);
                throw new IOException("no space left on device");
            }
        };
        assertThatThrownBy(() -> Bundle.write(dir, manifest(ComponentNet.BOTTLENECK), failing))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("no space left on device");
        assertThat(Bundle.open(dir).sha256()).isEqualTo(before);
        assertThat(siblings(tmp)).containsExactly("c");

        assertThatThrownBy(() -> Bundle.write(tmp.resolve("fresh"), manifest(ComponentNet.BOTTLENECK), failing))
                .isInstanceOf(BundleException.class);
        assertThat(siblings(tmp)).containsExactly("c");
    }

    private static List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

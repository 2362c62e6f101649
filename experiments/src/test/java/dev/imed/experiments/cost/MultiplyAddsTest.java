package dev.imed.experiments.cost;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionNet;
import dev.imed.fusion.net.GateGenerator;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MultiplyAddsTest {

    @Test
    void lenetComponentMatchesTheHandCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(Backbones.create("lenet", manager), 256, 10);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            long conv1 = 24L * 24 * 32 * 3 * 25;   // 28 − 5 + 1 = 24 positions a side, 32 filters of 3×5×5
            long conv2 = 8L * 8 * 64 * 32 * 25;    // pooled to 12, 12 − 5 + 1 = 8; 64 filters of 32×5×5
            long fc = 1024L * 512;                 // 64 × 4 × 4 after the second pool
            long bottleneck = 512L * 256;
            long head = 256L * 10;
            assertThat(MultiplyAdds.of(net, new Shape(1, 3, 28, 28))).hasValue(conv1 + conv2 + fc + bottleneck + head);
            // The batch dimension of the probe shape does not matter: the count is per image.
            assertThat(MultiplyAdds.of(net, new Shape(8, 3, 28, 28))).hasValue(conv1 + conv2 + fc + bottleneck + head);
        }
    }

    @Test
    void resnet18CountsResidualBranchesLikeTorchvision() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var backbone = Backbones.create("resnet18", manager);
            backbone.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            // torchvision's resnet18 is 1,814,073,344 multiply-adds at 224×224, of which its fc is 512 × 1000.
            assertThat(MultiplyAdds.of(backbone, new Shape(1, 3, 224, 224))).hasValue(1_814_073_344L - 512_000L);
        }
    }

    @Test
    void torchScriptBackboneHasNoCount() throws URISyntaxException {
        Path script = Path.of(MultiplyAddsTest.class.getResource("/fixtures/tiny_backbone.pt").toURI());
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(Backbones.create("torchscript:" + script, manager), 16, 3);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            assertThat(MultiplyAdds.of(net, new Shape(1, 3, 32, 32))).isEmpty();
        }
    }

    @Test
    void imedFusionCountsGateGeneratorsMapsAndHead() {
        int k = 3;
        int width = 256;
        // 10 classes: the full outer product (256 · 10 ≤ 4096) per component, 2560 wide.
        assertThat(fusionMacs(k, width, 10)).isEqualTo(k * 2560L + gates(k, width, k * 2560L) + width * 10L);
        // 31 classes: the randomized map, two projections to 1024 per component.
        assertThat(fusionMacs(k, width, 31)).isEqualTo(k * (width + 31L) * 1024 + gates(k, width, k * 1024L) + width * 31L);
    }

    private static long fusionMacs(int k, int width, int classes) {
        try (NDManager manager = NDManager.newBaseManager()) {
            FusionNet fusion = FusionNet.create(FusionKind.IMED, k, classes, width, 2);
            fusion.initialize(manager);
            return MultiplyAdds.ofFusion(fusion, classes);
        }
    }

    /** Two gate generators (in → 1024 → 1024 → gates): the mixing layer's K·K·D gates and the output's K·D. */
    private static long gates(int k, int width, long in) {
        long hidden = GateGenerator.HIDDEN;
        return 2 * (in * hidden + hidden * hidden) + hidden * ((long) k * k * width) + hidden * ((long) k * width);
    }
}

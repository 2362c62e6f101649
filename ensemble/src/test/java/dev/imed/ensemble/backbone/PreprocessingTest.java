package dev.imed.ensemble.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.Preprocessing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A TorchScript backbone's preprocessing: ImageNet's by default, the user's values checked with errors that name them. */
class PreprocessingTest {

    @Test
    void imagenetIsWhatTorchScriptBackbonesAssumedBefore() {
        assertThat(Preprocessing.imagenet().inputSpec()).usingRecursiveComparison().isEqualTo(InputSpec.imagenet());
        assertThat(Preprocessing.imagenet().pool()).isTrue();
        assertThat(Preprocessing.imagenetExcept(null, null, null, null, null)).isEqualTo(Preprocessing.imagenet());
        assertThat(Backbones.inputSpecFor("torchscript:x.pt")).usingRecursiveComparison().isEqualTo(InputSpec.imagenet());
    }

    @Test
    void givenValuesReplaceImagenetsAndTheResizeFollowsAGivenCrop() {
        Preprocessing clip = Preprocessing.imagenetExcept(224, 224, List.of(0.481f, 0.458f, 0.408f), List.of(0.269f, 0.261f, 0.276f), false);
        InputSpec spec = clip.inputSpec();
        assertThat(List.of(spec.height(), spec.width(), spec.resize())).containsExactly(224, 224, 224);
        assertThat(spec.mean()).containsExactly(0.481f, 0.458f, 0.408f);
        assertThat(spec.std()).containsExactly(0.269f, 0.261f, 0.276f);
        assertThat(spec.augment()).isTrue();
        assertThat(clip.pool()).isFalse();

        // A crop alone keeps ImageNet's proportion of resize to crop (256 : 224), so a large crop is not refused.
        assertThat(Preprocessing.imagenetExcept(null, 384, null, null, null).resize()).isEqualTo(439);
        assertThat(Preprocessing.imagenetExcept(null, 224, null, null, null).resize()).isEqualTo(256);
        assertThat(Preprocessing.imagenetExcept(0, 32, null, null, null).resize()).isZero();
        // One value stands for every channel.
        assertThat(Preprocessing.imagenetExcept(null, null, List.of(0.5f), List.of(0.5f), null).mean()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void aBadValueIsRefusedWithAMessageThatNamesIt() {
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(null, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("crop must be 1..4096 pixels, got 0");
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(200, 224, null, null, null))
                .hasMessageStartingWith("resize must be 0 (straight to the crop size) or 224..4096 pixels").hasMessageEndingWith("got 200");
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(null, null, List.of(0.5f, 0.5f), null, null))
                .hasMessage("mean needs 3 values (R,G,B) or 1 for all channels, got 2: 0.5,0.5");
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(null, null, List.of(123.68f, 116.78f, 103.94f), null, null))
                .hasMessage("mean 123.68 is not on a 0..1 scale (divide 0..255 values by 255)");
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(null, null, null, List.of(0.2f, 0f, 0.2f), null))
                .hasMessageStartingWith("std 0 must be above 0");
        assertThatThrownBy(() -> Preprocessing.imagenetExcept(null, null, null, List.of(Float.NaN), null))
                .hasMessageStartingWith("std NaN must be above 0");
        for (Throwable refused : List.of(
                org.assertj.core.api.Assertions.catchThrowable(() -> Preprocessing.imagenetExcept(null, 0, null, null, null)),
                org.assertj.core.api.Assertions.catchThrowable(() -> Preprocessing.imagenetExcept(null, null, null, List.of(-1f), null)))) {
            assertThat(refused.getMessage()).doesNotContain("\n");
        }
    }

    @Test
    void onlyBackbonesImedDoesNotBuildTakeOne() {
        assertThat(Backbones.takesPreprocessing("torchscript:x.pt")).isTrue();
        assertThat(Backbones.takesPreprocessing("lenet")).isFalse();
        assertThat(Backbones.takesPreprocessing("resnet50")).isFalse();
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Backbones.create("lenet", Preprocessing.imagenet(), manager))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("backbone lenet has a fixed input (28×28): preprocessing (resize, crop, mean, std, pool) applies to "
                            + "torchscript:FILE only");
        }
        assertThatThrownBy(() -> Backbones.inputSpecFor("resnet18", Preprocessing.imagenet())).hasMessageContaining("resnet18 has a fixed input");
    }

    /** Suite work directories and checkpoints are keyed by this text: without a preprocessing it is what it always was. */
    @Test
    void aConfigurationWithoutPreprocessingKeepsItsKey() {
        ComponentConfig digits = ComponentConfig.digits("dann", "syn", "mnist5k");
        assertThat(digits.toString()).isEqualTo("ComponentConfig[method=dann, backbone=lenet, source=syn, target=mnist5k, "
                + "iterations=2000, batchSize=32, lr=0.01, lrGamma=0.001, momentum=0.9, weightDecay=5.0E-4, tradeOff=1.0, seed=0, "
                + "checkpointEvery=500, init=PYTORCH]");
        assertThat(digits.asMap()).doesNotContainKey("preprocessing");
        ComponentConfig custom = digits.withBackbone("torchscript:x.pt").withPreprocessing(Preprocessing.imagenetExcept(null, 160, null, null, false));
        assertThat(custom.toString()).endsWith(", init=PYTORCH, preprocessing=Preprocessing[resize=183, crop=160, "
                + "mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225], pool=false]]");
        assertThat(custom.asMap()).containsKey("preprocessing");
    }
}

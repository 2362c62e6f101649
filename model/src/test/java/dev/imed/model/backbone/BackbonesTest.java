package dev.imed.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.imed.core.transform.InputSpec;
import org.junit.jupiter.api.Test;

/** The backbones are found by name among the registered {@link BackboneFactory} plug-ins. */
class BackbonesTest {

    @Test
    void listsEveryRegisteredBackboneAsUsersWriteIt() {
        assertThat(Backbones.usages()).containsExactly("lenet", "resnet18", "resnet50", "student-cnn", "torchscript:FILE");
    }

    @Test
    void buildsTheDigitsCnnForItsInput() {
        assertThat(Backbones.inputSpecFor("lenet")).usingRecursiveComparison().isEqualTo(InputSpec.digits());
        assertThat(Backbones.inputSpecFor("resnet18")).usingRecursiveComparison().isEqualTo(InputSpec.imagenet());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block lenet = Backbones.create("lenet", manager);
            lenet.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            assertThat(Backbones.featureDim(lenet, manager, new Shape(1, 3, 28, 28))).isEqualTo(512);
        }
    }

    @Test
    void onlyAnArgumentTakingBackboneAcceptsAColonAndOnlyItIsPretrained() {
        assertThat(Backbones.isPretrained("torchscript:x.pt")).isTrue();
        assertThat(Backbones.isPretrained("lenet")).isFalse();
        assertThat(Backbones.isPretrained("torchscript")).isFalse();
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Backbones.create("lenet:x", manager)).hasMessageContaining("unknown backbone 'lenet:x'");
            assertThatThrownBy(() -> Backbones.create("vgg16", manager)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown backbone 'vgg16' (known: lenet, resnet18, resnet50, student-cnn, torchscript:FILE)");
            assertThatThrownBy(() -> Backbones.create("torchscript:/no/such.pt", manager)).hasMessageContaining("no such TorchScript file");
        }
    }
}

package dev.imed.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResNetTest {

    /**
     * torchvision's resnet18 / resnet50 have 11,689,512 / 25,557,032 parameters; without the fc
     * layer (512·1000+1000 / 2048·1000+1000) that leaves 11,176,512 / 23,508,032. DJL also keeps
     * BatchNorm running statistics as (untrained) parameters, so only trainable ones are counted.
     */
    @ParameterizedTest
    @CsvSource({"resnet18, 512, 11176512", "resnet50, 2048, 23508032"})
    void featureWidthAndParameterCountMatchTorchvision(String name, long width, long torchvisionParameters) {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block backbone = Backbones.create(name, manager);
            Shape input = new Shape(2, 3, 64, 64);
            backbone.initialize(manager, DataType.FLOAT32, input);
            NDArray out = backbone.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(input)), false).singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(2, width));
            assertThat(Backbones.featureDim(backbone, manager, new Shape(1, 3, 64, 64))).isEqualTo(width);
            // The features come after a ReLU and a global average: non-negative and not all zero.
            assertThat(out.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(out.max().getFloat()).isGreaterThan(0f);

            long trainable = 0;
            for (Parameter p : backbone.getParameters().values()) {
                if (p.requiresGradient()) {
                    trainable += p.getArray().size();
                }
            }
            assertThat(trainable).isEqualTo(torchvisionParameters);
        }
    }

    /**
     * The residual sum must not write into a view: DJL's BatchNorm returns one, and autograd would then rebuild its
     * base in backward (CopySlices: a clone and a strided copy of the gradient in every unit; about 4 % of a ResNet-50
     * CDAN step, docs/results/benchmarks.md). Checked on the operators libtorch's profiler records for one training
     * forward and backward.
     */
    @Test
    void backwardCopiesNoGradientIntoAView(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block backbone = Backbones.create("resnet18", manager);
            Shape input = new Shape(2, 3, 32, 32);
            backbone.initialize(manager, DataType.FLOAT32, input);
            Path trace = dir.resolve("trace.json");
            JniUtils.startProfile(false, false, false);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = LeanForward.forward(backbone, new ParameterStore(manager, false),
                        new NDList(manager.randomNormal(input)), true).singletonOrThrow();
                collector.backward(out.sum());
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            String operators = Files.readString(trace);
            assertThat(operators.contains("ConvolutionBackward0")).as("the trace records backward").isTrue();
            assertThat(operators.contains("CopySlices")).as("backward rebuilds a view's base (CopySlices)").isFalse();
        }
    }
}

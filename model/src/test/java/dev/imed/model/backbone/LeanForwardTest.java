package dev.imed.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.imed.model.net.ComponentNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeanForwardTest {

    /** Same numbers as DJL's own forward, but the caller's manager ends up with the input and the output only. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50"})
    void sameOutputWithoutKeepingActivations(String name) {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager model = NDManager.newBaseManager()) {
            Block backbone = Backbones.create(name, model);
            Shape shape = new Shape(2, 3, 64, 64);
            backbone.initialize(model, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(model, false);
            NDArray input = model.randomNormal(shape);
            try (NDManager plain = model.newSubManager(); NDManager lean = model.newSubManager()) {
                NDArray plainInput = input.duplicate();
                plainInput.attach(plain);
                NDArray expected = backbone.forward(store, new NDList(plainInput), false).singletonOrThrow();
                NDArray leanInput = input.duplicate();
                leanInput.attach(lean);
                NDArray actual = LeanForward.forward(backbone, store, new NDList(leanInput)).singletonOrThrow();

                assertThat(actual.getManager()).isSameAs(lean);
                assertThat(actual.allClose(expected, 1e-5, 1e-5, false)).isTrue();
                // DJL's forward keeps every intermediate until its manager closes; the lean one frees them as it goes.
                assertThat(plain.getManagedArrays().size()).isGreaterThan(50);
                assertThat(lean.getManagedArrays()).containsExactlyInAnyOrder(leanInput, actual);
                assertThat(leanInput.isReleased()).isFalse();
            }
        }
    }

    /**
     * Training: the same loss and the same gradient for every parameter as DJL's own forward, while the arrays
     * left to the caller are the input and the output only (autograd keeps what backward needs by itself).
     */
    @Test
    void trainingGivesTheSameGradientsWithoutKeepingActivations() {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager model = NDManager.newBaseManager()) {
            Block backbone = Backbones.create("resnet18", model);
            Shape shape = new Shape(2, 3, 32, 32);
            backbone.initialize(model, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(model, false);
            NDArray input = model.randomNormal(shape);
            java.util.Map<String, float[]> plainGradients = new java.util.HashMap<>();
            float plainLoss;
            try (NDManager plain = model.newSubManager();
                 ai.djl.training.GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray x = input.duplicate();
                x.attach(plain);
                NDArray loss = backbone.forward(store, new NDList(x), true).singletonOrThrow().square().sum();
                collector.backward(loss);
                plainLoss = loss.getFloat();
                backbone.getParameters().stream().filter(p -> p.getValue().requiresGradient()).forEach(p -> plainGradients.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray()));
                assertThat(plain.getManagedArrays().size()).isGreaterThan(50);
            }
            // Gradients accumulate across collectors.
            backbone.getParameters().stream().filter(p -> p.getValue().requiresGradient())
                    .forEach(p -> p.getValue().getArray().getGradient().muli(0));
            try (NDManager lean = model.newSubManager();
                 ai.djl.training.GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray x = input.duplicate();
                x.attach(lean);
                NDArray out = LeanForward.forward(backbone, store, new NDList(x), true).singletonOrThrow();
                assertThat(lean.getManagedArrays()).containsExactlyInAnyOrder(x, out);
                NDArray loss = out.square().sum();
                collector.backward(loss);
                assertThat(loss.getFloat()).isCloseTo(plainLoss, org.assertj.core.data.Percentage.withPercentage(1e-4));
                assertThat(plainGradients).hasSizeGreaterThan(40);
                backbone.getParameters().stream().filter(p -> p.getValue().requiresGradient()).forEach(p -> {
                    float[] expected = plainGradients.get(p.getKey());
                    float[] actual = p.getValue().getArray().getGradient().toFloatArray();
                    float scale = 1e-6f;
                    for (float v : expected) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(Math.abs(actual[i] - expected[i])).as(p.getKey() + "[" + i + "]").isLessThanOrEqualTo(1e-4f * scale);
                    }
                });
            }
        }
    }

    /** A component in inference mode takes the lean path. */
    @Test
    void componentNetInferenceIsLean() {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager model = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(Backbones.create("resnet18", model), 16, 3);
            Shape shape = new Shape(2, 3, 64, 64);
            net.initialize(model, DataType.FLOAT32, shape);
            ParameterStore store = new ParameterStore(model, false);
            try (NDManager step = model.newSubManager()) {
                NDArray images = step.randomNormal(shape);
                NDList out = net.forward(store, new NDList(images), false);
                assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, 3));
                // The backbone leaves nothing behind; the small bottleneck and head run as usual.
                assertThat(step.getManagedArrays().size()).isLessThan(12);
            }
        }
    }
}

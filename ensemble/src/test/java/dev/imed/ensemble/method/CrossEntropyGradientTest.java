package dev.imed.ensemble.method;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.testing.GradientFixture;
import dev.imed.model.net.ComponentNet;
import org.junit.jupiter.api.Test;

/**
 * {@link Losses#crossEntropy} through a tiny {@link ComponentNet} (training-mode BatchNorm in the
 * bottleneck) against PyTorch's {@code F.cross_entropy}: loss, outputs, every parameter gradient and the
 * input gradient ({@code bench/parity/make_gradient_fixtures.py}).
 */
class CrossEntropyGradientTest {

    @Test
    void lossAndEveryGradientMatchPyTorch() {
        GradientFixture fixture = GradientFixture.load("cross_entropy");
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = new ComponentNet(new SequentialBlock()
                    .add(Linear.builder().setUnits(fixture.hyperInt("backboneUnits")).build())
                    .add(Activation::relu), fixture.hyperInt("width"), fixture.hyperInt("classes"));
            NDArray x = fixture.input(manager, "x", true);
            net.initialize(manager, DataType.FLOAT32, x.getShape());
            fixture.setParameters(null, net);
            NDArray y = fixture.labels(manager, "y");
            NDList out;
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                out = net.forward(new ParameterStore(manager, false), new NDList(x), true);
                loss = Losses.crossEntropy(out.get(1), y);
                collector.backward(loss);
            }
            fixture.assertLoss(loss);
            fixture.assertOutput("features", out.get(0));
            fixture.assertOutput("logits", out.get(1));
            fixture.assertParameterGradients(null, net);
            fixture.assertInputGradient("x", x);
            fixture.report();
        }
    }
}

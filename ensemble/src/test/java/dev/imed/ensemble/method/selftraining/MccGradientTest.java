package dev.imed.ensemble.method.selftraining;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.testing.GradientFixture;
import org.junit.jupiter.api.Test;

/**
 * {@link Mcc#loss} of a Linear classifier's target logits against PyTorch following the paper
 * (T = 2.5, detached certainty weights, row-normalised confusion): loss, the classifier's gradients and
 * the input gradient ({@code bench/parity/make_gradient_fixtures.py}).
 */
class MccGradientTest {

    @Test
    void lossAndEveryGradientMatchPyTorch() {
        GradientFixture fixture = GradientFixture.load("mcc");
        assertThat(fixture.hyper("temperature")).isEqualTo(Mcc.TEMPERATURE);
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear classifier = Linear.builder().setUnits(fixture.hyperInt("classes")).build();
            NDArray x = fixture.input(manager, "x", true);
            classifier.initialize(manager, DataType.FLOAT32, x.getShape());
            fixture.setParameters(null, classifier);
            NDArray logits;
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                logits = classifier.forward(new ParameterStore(manager, false), new NDList(x), true).head();
                loss = Mcc.loss(logits, Mcc.TEMPERATURE);
                collector.backward(loss);
            }
            fixture.assertLoss(loss);
            fixture.assertOutput("logits", logits);
            fixture.assertParameterGradients(null, classifier);
            fixture.assertInputGradient("x", x);
            fixture.report();
        }
    }
}

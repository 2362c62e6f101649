package dev.imed.fusion.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.testing.GradientFixture;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.selftraining.Mcc;
import dev.imed.ensemble.method.alignment.MultilinearMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IMED fusion forward ({@link InstanceAwareFusion}: multilinear maps → gate generators → a
 * mixing layer and the weighted sum → head, paper options, training-mode BatchNorm in the generators)
 * against PyTorch, with the full multilinear map and with a (tiny) randomized one, trained by the teacher's CE on the source half + MCC on the target half: outputs and
 * gates, loss, every parameter gradient and the gradients of the components' features and probabilities
 * ({@code bench/parity/make_gradient_fixtures.py}).
 */
class FusionGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"imed_fusion", "imed_fusion_randomized"})
    void forwardLossAndEveryGradientMatchPyTorch(String name) {
        GradientFixture fixture = GradientFixture.load(name);
        assertThat(fixture.hyper("temperature")).isEqualTo(Mcc.TEMPERATURE);
        try (NDManager manager = NDManager.newBaseManager()) {
            int classes = fixture.hyperInt("classes");
            int width = fixture.hyperInt("width");
            MultilinearMap map = fixture.hyperFlag("randomized")
                    ? new MultilinearMap(width, classes, true, fixture.hyperInt("randomDim"))
                    : new MultilinearMap(width, classes);
            assertThat(map.randomized()).isEqualTo(fixture.hyperFlag("randomized"));
            InstanceAwareFusion fusion = new InstanceAwareFusion(fixture.hyperInt("components"), classes, width,
                    fixture.hyperInt("layers"), true, fixture.hyperInt("gateHidden"), map);
            assertThat(fusion.options()).isEqualTo(FusionOptions.PAPER);
            fusion.initialize(manager);
            fixture.setParameters(null, fusion);
            NDArray features = fixture.input(manager, "features", true);
            NDArray probabilities = fixture.input(manager, "probabilities", true);
            NDArray y = fixture.labels(manager, "y");
            int ns = fixture.hyperInt("sourceCount");
            NDList fused;
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                fused = fusion.apply(new ParameterStore(manager, false), features, probabilities, true);
                NDArray z = fused.get(1);
                loss = Losses.crossEntropy(z.get("0:" + ns), y).add(Mcc.loss(z.get(ns + ":"), Mcc.TEMPERATURE));
                collector.backward(loss);
            }
            assertThat(fusion.gateNames()).containsExactly("a1", "b");
            fixture.assertLoss(loss);
            fixture.assertOutput("fused", fused.get(0));
            fixture.assertOutput("logits", fused.get(1));
            fixture.assertOutput("a1", fused.get(2));
            fixture.assertOutput("b", fused.get(3));
            fixture.assertParameterGradients(null, fusion);
            fixture.assertInputGradient("features", features);
            fixture.assertInputGradient("probabilities", probabilities);
            fixture.report();
        }
    }
}

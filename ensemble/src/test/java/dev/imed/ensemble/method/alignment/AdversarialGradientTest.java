package dev.imed.ensemble.method.alignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.imed.core.testing.GradientFixture;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DANN ({@link Dann#loss}) and CDAN / CDAN+E ({@link ConditionalAdversary#loss}, full and randomized
 * multilinear map) with tiny discriminators against PyTorch: loss, every discriminator gradient, and the
 * features' gradients, which pass the reversal layer and so are −λ times the gradient arriving at its
 * output ({@code bench/parity/make_gradient_fixtures.py}).
 */
class AdversarialGradientTest {

    @Test
    void dannMatchesPyTorchWithTheReversedFeatureGradient() {
        GradientFixture fixture = GradientFixture.load("dann");
        double lambda = fixture.hyper("lambda");
        assertThat(Losses.warmUp(fixture.hyper("progress"))).isCloseTo(lambda, within(1e-12));
        try (NDManager manager = NDManager.newBaseManager()) {
            Dann dann = new Dann(fixture.hyperInt("hidden"));
            dann.initialize(manager, fixture.hyperInt("featureDim"), 3);
            Block discriminator = dann.blocks().get(0);
            fixture.setParameters(null, discriminator);
            NDArray fs = fixture.input(manager, "sourceFeatures", true);
            NDArray ft = fixture.input(manager, "targetFeatures", true);
            Step step = new Step(fs, null, null, ft, null, fixture.hyper("progress"), new ParameterStore(manager, false));
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                loss = dann.loss(step);
                collector.backward(loss);
            }
            fixture.assertLoss(loss);
            fixture.assertParameterGradients(null, discriminator);
            fixture.assertInputGradient("sourceFeatures", fs);
            fixture.assertInputGradient("targetFeatures", ft);
            assertReversed(fixture, fs, ft, lambda);
            fixture.report();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cdan_full", "cdan_e_full", "cdan_randomized", "cdan_e_randomized"})
    void cdanMatchesPyTorch(String name) {
        GradientFixture fixture = GradientFixture.load(name);
        long dim = fixture.hyperInt("featureDim");
        int classes = fixture.hyperInt("classes");
        boolean randomized = fixture.hyperFlag("randomized");
        double lambda = fixture.hyper("lambda");
        try (NDManager manager = NDManager.newBaseManager()) {
            MultilinearMap map = randomized
                    ? new MultilinearMap(dim, classes, true, fixture.hyperInt("randomDim"))
                    : new MultilinearMap(dim, classes);
            assertThat(map.randomized()).isEqualTo(randomized);
            ConditionalAdversary adversary = new ConditionalAdversary(map, fixture.hyperInt("hidden"), dim, classes,
                    fixture.hyperFlag("entropyConditioning"));
            adversary.initialize(manager);
            fixture.setParameters(null, adversary.block());
            NDArray fs = fixture.input(manager, "sourceFeatures", true);
            NDArray zs = fixture.input(manager, "sourceLogits", true);
            NDArray ft = fixture.input(manager, "targetFeatures", true);
            NDArray zt = fixture.input(manager, "targetLogits", true);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                loss = adversary.loss(store, fs, zs, ft, zt, lambda);
                collector.backward(loss);
            }
            fixture.assertLoss(loss);
            fixture.assertOutput("map", map.apply(store, fs.concat(ft, 0).stopGradient(),
                    zs.concat(zt, 0).softmax(1).stopGradient()));
            fixture.assertParameterGradients(null, adversary.block());
            fixture.assertInputGradient("sourceFeatures", fs);
            fixture.assertInputGradient("targetFeatures", ft);
            // The prediction is detached: nothing reaches the logits.
            fixture.assertInputGradient("sourceLogits", zs);
            fixture.assertInputGradient("targetLogits", zt);
            if (!randomized) {
                assertReversedThroughFullMap(fixture, fs, ft, zs.concat(zt, 0).softmax(1).toFloatArray(), lambda);
            }
            fixture.report();
        }
    }

    /**
     * With the full map T[n, c·D + d] = g[n, c]·f[n, d], the features' gradient is
     * −λ·Σ_c g[n, c]·H[n, c·D + d] for the gradient H PyTorch saw at the reversal layer's output.
     */
    private static void assertReversedThroughFullMap(GradientFixture fixture, NDArray fs, NDArray ft, float[] g,
                                                     double lambda) {
        float[] atOutput = fixture.expected("reversalOutputGradient");
        float[] features = fs.getGradient().concat(ft.getGradient(), 0).toFloatArray();
        int n = (int) (fs.getShape().get(0) + ft.getShape().get(0));
        int dim = (int) fs.getShape().get(1);
        int classes = g.length / n;
        float[] expected = new float[features.length];
        for (int row = 0; row < n; row++) {
            for (int d = 0; d < dim; d++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += g[row * classes + c] * atOutput[row * classes * dim + c * dim + d];
                }
                expected[row * dim + d] = (float) (-lambda * sum);
            }
        }
        fixture.compare("input gradient = −λ · (reversal-output gradient through the map)", features, expected);
    }

    /** The features' gradient is −λ times the gradient PyTorch saw at the reversal layer's output: the sign flips. */
    private static void assertReversed(GradientFixture fixture, NDArray fs, NDArray ft, double lambda) {
        float[] atOutput = fixture.expected("reversalOutputGradient");
        float[] features = fs.getGradient().concat(ft.getGradient(), 0).toFloatArray();
        float[] expected = new float[atOutput.length];
        double dot = 0;
        for (int i = 0; i < atOutput.length; i++) {
            expected[i] = (float) (-lambda * atOutput[i]);
            dot += (double) features[i] * atOutput[i];
        }
        fixture.compare("input gradient = −λ · reversal-output gradient", features, expected);
        assertThat(dot).as("the reversed gradient points against the discriminator's").isNegative();
    }
}

package dev.imed.ensemble.method.alignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.ensemble.method.Methods;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JanTest {

    @Test
    void isZeroWhenTargetEqualsSource() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            NDArray features = manager.randomNormal(new Shape(8, 16));
            NDArray probabilities = manager.randomNormal(new Shape(8, 4)).softmax(1);
            assertThat(Jan.loss(features, probabilities, features, probabilities).getFloat()).isCloseTo(0f, within(1e-6f));
        }
    }

    /**
     * Features equal everywhere, so each of the five feature kernels is 1 and their sum 5; source
     * predicts class 0 and target class 1, so the prediction kernel is 1 within a domain and
     * e^(−2/(2σ²)) across. Every quadruple gives 5·(1 + 1 − 2·e^(−1/σ²)): the joint kernel sees a
     * shift in predictions alone, which a feature-only MMD would miss.
     */
    @Test
    void seesAShiftInPredictionsAloneByTheHandComputedValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray features = manager.ones(new Shape(4, 3));
            NDArray classZero = manager.create(new float[][] {{1, 0}, {1, 0}, {1, 0}, {1, 0}});
            NDArray classOne = manager.create(new float[][] {{0, 1}, {0, 1}, {0, 1}, {0, 1}});
            double sigma = Jan.PREDICTION_SIGMA;
            double expected = 5 * (2 - 2 * Math.exp(-1 / (sigma * sigma)));
            assertThat(Jan.loss(features, classZero, features, classOne).getFloat()).isCloseTo((float) expected, within(1e-4f));
        }
    }

    @Test
    void growsAsTheTargetFeaturesMoveAwayAndItsGradientReachesBothDomains() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            NDArray source = manager.randomNormal(new Shape(16, 8));
            NDArray noise = manager.randomNormal(new Shape(16, 8)).mul(0.1f);
            NDArray p = manager.randomNormal(new Shape(16, 3)).softmax(1);
            float near = Jan.loss(source, p, source.add(noise), p).getFloat();
            NDArray target = source.add(noise).add(3f);
            float far = Jan.loss(source, p, target, p).getFloat();
            assertThat(far).isGreaterThan(near + 1f);

            source.setRequiresGradient(true);
            target.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Jan.loss(source, p, target, p));
            }
            for (NDArray x : new NDArray[] {source, target}) {
                for (float g : x.getGradient().toFloatArray()) {
                    assertThat(g).isFinite();
                }
                assertThat(x.getGradient().abs().sum().getFloat()).isGreaterThan(1e-3f);
            }
        }
    }

    /** A short run on the digits: it is found by name, trains without diverging and learns the source. */
    @Test
    void trainsAComponentByName(@TempDir Path dir) {
        assertThat(Methods.names()).contains(Jan.NAME);
        InMemoryDomain source = DigitDomains.open("syn:1000:0");
        InMemoryDomain target = DigitDomains.open("mnist5k").subset("mnist-1000", IntStream.range(0, 1000).map(i -> i * 5).toArray());
        ComponentConfig config = ComponentConfig.digits("jan", "syn:1000:0", "mnist-1000").withIterations(120);
        Bundle bundle = ComponentTrainer.train(config, source, target, dir.resolve("jan"));
        assertThat(bundle.manifest().method()).isEqualTo("jan");
        @SuppressWarnings("unchecked")
        Map<String, Object> loss = (Map<String, Object>) bundle.manifest().training().get("loss");
        assertThat((Double) loss.get("last")).isLessThan(0.5 * (Double) loss.get("first"));
        @SuppressWarnings("unchecked")
        double accuracy = (Double) ((Map<String, Object>) bundle.manifest().metrics().get("target")).get("accuracy");
        System.out.println("jan: " + loss + ", target accuracy " + accuracy);
        assertThat(accuracy).isGreaterThan(20.0); // chance is 10 %
    }
}

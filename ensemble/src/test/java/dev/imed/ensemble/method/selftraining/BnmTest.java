package dev.imed.ensemble.method.selftraining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

class BnmTest {

    /** [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so ‖A‖_* = √45 + √5 = 4√5. */
    @Test
    void nuclearNormMatchesTheHandComputedValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[][] {{3, 0}, {4, 5}});
            assertThat(Bnm.nuclearNorm(a).getFloat()).isCloseTo((float) (4 * Math.sqrt(5)), within(1e-4f));
            // A wide matrix goes through the smaller Gram matrix: same singular values as its transpose.
            NDArray wide = manager.create(new float[][] {{3, 4, 0}, {0, 5, 0}});
            assertThat(Bnm.nuclearNorm(wide).getFloat()).isCloseTo((float) (4 * Math.sqrt(5)), within(1e-4f));
        }
    }

    /**
     * Four images: one-hot on four different classes, P = I, ‖P‖_* = 4, loss −1; all on one class, P
     * has rank 1 with singular value √4, loss −2/4; uniform predictions, singular value √(4·4/16) = 1,
     * loss −1/4. Diverse and confident beats collapsed beats uncertain.
     */
    @Test
    void aDiverseConfidentBatchMaximisesTheNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray diverse = manager.eye(4);
            NDArray collapsed = manager.create(new float[][] {{1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}});
            NDArray uniform = manager.ones(new ai.djl.ndarray.types.Shape(4, 4)).div(4f);
            assertThat(Bnm.loss(diverse).getFloat()).isCloseTo(-1f, within(1e-4f));
            assertThat(Bnm.loss(collapsed).getFloat()).isCloseTo(-0.5f, within(1e-4f));
            assertThat(Bnm.loss(uniform).getFloat()).isCloseTo(-0.25f, within(1e-4f));
        }
    }

    /** The gradient of ‖A‖_* is U·Vᵀ; for a positive diagonal A that is the identity. */
    @Test
    void theGradientIsTheSingularVectorsProductAndReachesTheLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[][] {{2, 0}, {0, 1}});
            a.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Bnm.nuclearNorm(a));
            }
            assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {1, 0, 0, 1}, within(1e-3f));

            NDArray logits = manager.create(new float[][] {{2, 0, 0}, {1.5f, 0.2f, 0}, {0, 0, 1}});
            logits.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Bnm.loss(logits.softmax(1)));
            }
            assertThat(logits.getGradient().abs().sum().getFloat()).isGreaterThan(1e-3f);
            // Ascending the norm pulls the second image, now on class 0 like the first, towards the unused class 1.
            assertThat(logits.getGradient().getFloat(1, 1)).isLessThan(0f);
        }
    }

    /** A short run composed with CDAN: found by name, trains without diverging and learns the source. */
    @Test
    void trainsAComponentComposedWithCdan(@TempDir Path dir) {
        assertThat(Methods.names()).contains(Bnm.NAME);
        assertThat(Methods.canonical("CDAN+BNM")).isEqualTo("cdan+bnm");
        InMemoryDomain source = DigitDomains.open("syn:1000:0");
        InMemoryDomain target = DigitDomains.open("mnist5k").subset("mnist-1000", IntStream.range(0, 1000).map(i -> i * 5).toArray());
        ComponentConfig config = ComponentConfig.digits("cdan+bnm", "syn:1000:0", "mnist-1000").withIterations(120);
        Bundle bundle = ComponentTrainer.train(config, source, target, dir.resolve("cdan-bnm"));
        assertThat(bundle.manifest().method()).isEqualTo("cdan+bnm");
        @SuppressWarnings("unchecked")
        Map<String, Object> loss = (Map<String, Object>) bundle.manifest().training().get("loss");
        // CDAN's adversarial term stays near its equilibrium (~0.7) as it should, so the total does not halve.
        assertThat((Double) loss.get("last")).isLessThan((Double) loss.get("first") - 0.5);
        @SuppressWarnings("unchecked")
        double accuracy = (Double) ((Map<String, Object>) bundle.manifest().metrics().get("target")).get("accuracy");
        System.out.println("cdan+bnm: " + loss + ", target accuracy " + accuracy);
        assertThat(accuracy).isGreaterThan(20.0); // chance is 10 %
    }
}

package dev.imed.fusion.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionCriterionTest {
    /** Probabilities 0.9 for the class of each entry of {@code classes}, 0.1 for the other of two. */
    private static NDArray confident(NDManager manager, int... classes) {
        float[] p = new float[classes.length * 2];
        for (int n = 0; n < classes.length; n++) {
            p[2 * n + classes[n]] = 0.9f;
            p[2 * n + 1 - classes[n]] = 0.1f;
        }
        return manager.create(p).reshape(classes.length, 2);
    }

    @Test
    void ensvScoresAgreementWithTheArgmaxOfTheCandidatesMean() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Predicted classes: [0,0,1,1], [0,1,1,1], [0,0,0,1]. The mean's argmax is [0,0,1,1]
            // (image 1: class 0 gets (0.9+0.1+0.9)/3; image 2: class 1 gets (0.9+0.9+0.1)/3).
            List<NDArray> candidates = List.of(confident(manager, 0, 0, 1, 1), confident(manager, 0, 1, 1, 1),
                    confident(manager, 0, 0, 0, 1));
            assertThat(SelectionCriterion.ENSV.scores(candidates)).containsExactly(new double[] {1.0, 0.75, 0.75}, within(1e-6));
            assertThat(SelectionCriterion.ENSV.select(candidates)).isZero();
        }
    }

    @Test
    void sndIsTheMeanEntropyOfTheNeighbourSoftmax() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // a = b = (1, 0), c = (0, 1). a's neighbours: b at cosine 1, c at 0 → softmax of (20, 0), entropy ≈ 4e-8; b alike.
            // c's neighbours are both at cosine 0 → softmax (½, ½), entropy ln 2. Mean: ln 2 / 3.
            NDArray p = manager.create(new float[] {1, 0, 1, 0, 0, 1}).reshape(3, 2);
            assertThat(SoftNeighborhoodDensity.score(p)).isCloseTo(Math.log(2) / 3, within(1e-5));
        }
    }

    @Test
    void sndOverManyRowsEqualsTheDirectFormula() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            // More rows than one block, so the blockwise sum is checked against the whole matrix at once.
            NDArray p = manager.randomUniform(0f, 1f, new Shape(1100, 4)).softmax(1);
            NDArray q = p.div(p.norm(new int[] {1}, true));
            NDArray logits = q.matMul(q.transpose()).div(SoftNeighborhoodDensity.TEMPERATURE)
                    .sub(manager.eye(1100).mul(1e9f));
            NDArray logSoftmax = logits.logSoftmax(1);
            double direct = logSoftmax.exp().mul(logSoftmax).sum(new int[] {1}).neg().mean().getFloat();
            assertThat(SoftNeighborhoodDensity.score(p)).isCloseTo(direct, within(1e-3));
        }
    }

    @Test
    void finalPicksTheLastAndTiesGoToTheLaterCandidate() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> same = List.of(confident(manager, 0, 1), confident(manager, 0, 1), confident(manager, 0, 1));
            assertThat(SelectionCriterion.FINAL.select(same)).isEqualTo(2);
            assertThat(SelectionCriterion.ENSV.select(same)).isEqualTo(2);
        }
        assertThat(SelectionCriterion.parse(" EnsV ")).isSameAs(SelectionCriterion.ENSV);
        assertThatThrownBy(() -> SelectionCriterion.parse("oracle")).hasMessage("unknown selection 'oracle' (known: final, ensv, snd)");
    }

    /**
     * The criteria's only input is a list of prediction arrays, so labels cannot reach them: no method of
     * the public API takes anything else.
     */
    @Test
    void theApiTakesPredictionsOnly() {
        for (java.lang.reflect.Method m : SelectionCriterion.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getName().matches("scores|select")) {
                assertThat(m.getParameterTypes()).containsExactly(List.class);
            }
        }
    }
}

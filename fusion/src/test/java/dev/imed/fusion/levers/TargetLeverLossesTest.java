package dev.imed.fusion.levers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Information maximisation, consensus pseudo-labels and gate load-balancing against values worked out by hand. */
class TargetLeverLossesTest {
    @Test
    void informationMaximizationIsMeanEntropyLessTheEntropyOfTheMeanPrediction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Predictions (0.5, 0.5) and (0.75, 0.25): entropies ln 2 = 0.693147 and 0.562335, mean 0.627741;
            // the mean prediction (0.625, 0.375) has entropy 0.661563; the loss is their difference.
            NDArray logits = manager.create(new float[] {0, 0, (float) Math.log(3), 0}).reshape(2, 2);
            assertThat(InformationMaximization.loss(logits).getFloat()).isCloseTo(-0.033822f, within(1e-5f));
        }
    }

    @Test
    void pseudoLabelsAreTheInstancesEveryMemberAgreesOnConfidently() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Two members, three classes, four images:
            //   0: both say class 1 (0.95, 0.92)       → chosen, label 1
            //   1: both say class 2, one only at 0.6   → not confident enough
            //   2: they disagree (class 0 and class 1) → not unanimous
            //   3: both say class 0 (0.9 exactly, 0.99) → chosen, label 0 (the threshold is inclusive)
            NDArray members = manager.create(new float[] {
                0.02f, 0.95f, 0.03f, 0.04f, 0.92f, 0.04f,
                0.1f, 0.1f, 0.8f, 0.2f, 0.2f, 0.6f,
                0.95f, 0.03f, 0.02f, 0.03f, 0.95f, 0.02f,
                0.9f, 0.05f, 0.05f, 0.99f, 0.005f, 0.005f}).reshape(4, 2, 3);
            ConsensusPseudoLabels.Selection chosen = ConsensusPseudoLabels.select(members, 0.9f);
            assertThat(chosen.mask().toFloatArray()).containsExactly(1, 0, 0, 1);
            assertThat(chosen.labels().getLong(0)).isEqualTo(1);
            assertThat(chosen.labels().getLong(3)).isEqualTo(0);
            // Fused logits: image 0 predicts (1/8, 4/8, 3/8), so −log p(1) = ln 2; image 3 is uniform, −log p(0) = ln 3.
            // Images 1 and 2 carry extreme logits that must not count.
            NDArray logits = manager.create(new float[] {0, (float) Math.log(4), (float) Math.log(3), 50, -50, -50,
                -50, -50, 50, 0, 0, 0}).reshape(4, 3);
            assertThat(ConsensusPseudoLabels.loss(logits, chosen).getFloat())
                    .isCloseTo((float) ((Math.log(2) + Math.log(3)) / 2), within(1e-5f));
        }
    }

    @Test
    void noConsensusGivesAZeroLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray members = manager.create(new float[] {0.6f, 0.4f, 0.3f, 0.7f}).reshape(1, 2, 2);
            ConsensusPseudoLabels.Selection none = ConsensusPseudoLabels.select(members, 0.5f);
            assertThat(none.mask().toFloatArray()).containsExactly(0);
            assertThat(ConsensusPseudoLabels.loss(manager.create(new float[] {3, -3}).reshape(1, 2), none).getFloat()).isZero();
        }
    }

    @Test
    void gateBalanceIsTheSquaredCoefficientOfVariationOfTheMembersShares() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Two images, two members, two channels: member 0's gates are all 0.5 (mass 2), member 1's all 0.25 (mass 1).
            // Shares 2/3 and 1/3, mean 1/2, variance 1/36: CV² = (1/36) / (1/4) = 1/9.
            NDArray b = manager.create(new float[] {0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.25f, 0.25f}).reshape(2, 2, 2);
            assertThat(GateLoadBalance.penalty(b).getFloat()).isCloseTo(1f / 9, within(1e-6f));
            // Global gates ([1, K, D]) that weigh the members alike cost nothing.
            assertThat(GateLoadBalance.penalty(manager.ones(new ai.djl.ndarray.types.Shape(1, 3, 4)).mul(0.7f)).getFloat())
                    .isCloseTo(0f, within(1e-7f));
        }
    }
}

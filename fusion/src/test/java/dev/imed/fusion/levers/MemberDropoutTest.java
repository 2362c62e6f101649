package dev.imed.fusion.levers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class MemberDropoutTest {
    @Test
    void neverDropsEveryMemberOfAnInstance() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            // At p = 0.9 with 3 members, about 73 % of the rows would lose every member without the rescue.
            float[] kept = MemberDropout.mask(manager, 2000, 3, 0.9f).sum(new int[] {1}).toFloatArray();
            for (float k : kept) {
                assertThat(k).isBetween(1f, 3f);
            }
        }
    }

    @Test
    void dropsMembersAtTheRequestedRate() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            // With 5 members the rescue is rare (0.3^5 of the rows), so the rate is p to within sampling noise.
            NDArray mask = MemberDropout.mask(manager, 4000, 5, 0.3f);
            assertThat(1 - mask.mean().getFloat()).isCloseTo(0.3f, within(0.02f));
            assertThat(mask.eq(0f).logicalOr(mask.eq(1f)).all().getBoolean()).isTrue();
        }
    }

    @Test
    void zeroProbabilityKeepsEveryMemberAndNoMaskIsTheIdentity() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(MemberDropout.mask(manager, 50, 3, 0f).min().getFloat()).isEqualTo(1f);
            NDArray features = manager.randomNormal(new ai.djl.ndarray.types.Shape(4, 3, 2));
            NDArray probabilities = manager.randomUniform(0f, 1f, new ai.djl.ndarray.types.Shape(4, 3, 5));
            NDList same = MemberDropout.apply(features, probabilities, null);
            assertThat(same.get(0)).isSameAs(features);
            assertThat(same.get(1)).isSameAs(probabilities);
        }
    }

    @Test
    void aDroppedMemberLosesBothItsFeatureAndItsPrediction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray features = manager.ones(new ai.djl.ndarray.types.Shape(1, 2, 3));
            NDArray probabilities = manager.ones(new ai.djl.ndarray.types.Shape(1, 2, 4)).mul(0.25f);
            NDList dropped = MemberDropout.apply(features, probabilities, manager.create(new float[] {0, 1}).reshape(1, 2));
            assertThat(dropped.get(0).toFloatArray()).containsExactly(0, 0, 0, 1, 1, 1);
            assertThat(dropped.get(1).toFloatArray()).containsExactly(0, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f);
        }
    }
}

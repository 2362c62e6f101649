package dev.imed.fusion.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class EntropyWeightedFusionKindTest {
    @Test
    void isRegisteredAsAFixedFusion() {
        assertThat(FusionKind.parse("entropy")).isSameAs(FusionKind.ENTROPY).isInstanceOf(EntropyWeightedFusionKind.class);
        assertThat(FusionKind.ENTROPY.trained()).isFalse();
    }

    @Test
    void weighsEachMemberByItsCertaintyOnTheImage() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // One image, two members: (0.5, 0.5) with entropy ln 2, and (0.75, 0.25) with entropy 0.562335.
            // exp(−H): 0.5 and 0.569880, so w = (0.467342, 0.532658).
            NDArray logits = manager.create(new float[] {0, 0, (float) Math.log(3), 0}).reshape(1, 2, 2);
            assertThat(EntropyWeightedFusionKind.weights(logits).toFloatArray())
                    .containsExactly(new float[] {0.467342f, 0.532658f}, within(1e-5f));
            // Features 1 and 3 fuse to 0.467342 + 3·0.532658 = 2.065316; probabilities to (0.633165, 0.366836).
            NDList fused = FusionKind.ENTROPY.combine(manager.create(new float[] {1, 3}).reshape(1, 2, 1), logits);
            assertThat(fused.get(0).getFloat(0, 0)).isCloseTo(2.065316f, within(1e-5f));
            assertThat(fused.get(1).exp().toFloatArray()).containsExactly(new float[] {0.633165f, 0.366836f}, within(1e-5f));
        }
    }
}

package dev.imed.fusion.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.imed.fusion.teacher.TeacherConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fusion kinds are found among the registered plug-ins, one instance each, under their old names. */
class FusionKindTest {

    @Test
    void discoversEveryKindOnceUnderItsName() {
        assertThat(FusionKind.names()).containsExactly("average", "entropy", "fc", "global", "imed", "vote");
        assertThat(FusionKind.trainedNames()).containsExactly("fc", "global", "imed");
        assertThat(FusionKind.parse(" IMED ")).isSameAs(FusionKind.IMED).isInstanceOf(ImedFusionKind.class);
        assertThatThrownBy(() -> FusionKind.parse("attention")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown fusion 'attention' (known: average, entropy, fc, global, imed, vote)");
    }

    /** A teacher configuration's text (its checkpoint's fingerprint) prints the enum constant's name, as it did. */
    @Test
    void printsAsTheEnumItReplaces() {
        assertThat(List.of(FusionKind.IMED, FusionKind.GLOBAL, FusionKind.FC, FusionKind.AVERAGE, FusionKind.VOTE))
                .extracting(FusionKind::toString).containsExactly("IMED", "GLOBAL", "FC", "AVERAGE", "VOTE");
        assertThat(TeacherConfig.defaults(List.of(Path.of("c")), "syn", "mnist5k").toString()).contains("fusion=IMED,");
    }

    @Test
    void buildsTheTrainedNetsAndCombinesTheFixedOnes() {
        assertThat(FusionNet.create(FusionKind.FC, 2, 3, 8, 2)).isInstanceOf(FcFusion.class);
        assertThat(FusionNet.create(FusionKind.GLOBAL, 2, 3, 8, 2)).isInstanceOf(InstanceAwareFusion.class);
        assertThatThrownBy(() -> FusionNet.create(FusionKind.VOTE, 2, 3, 8, 2)).hasMessageContaining("not a trainable fusion");
        try (NDManager manager = NDManager.newBaseManager()) {
            // One image, two components with features 1 and 3 and logits that give (1, 0) and (0, 1) after softmax.
            NDArray features = manager.create(new float[] {1, 3}).reshape(1, 2, 1);
            NDArray logits = manager.create(new float[] {50, -50, -50, 50}).reshape(1, 2, 2);
            NDList averaged = FusionKind.AVERAGE.combine(features, logits);
            assertThat(averaged.get(0).getFloat(0, 0)).isEqualTo(2f);
            assertThat(averaged.get(1).exp().toFloatArray()).containsExactly(new float[] {0.5f, 0.5f}, within(1e-5f));
        }
    }
}

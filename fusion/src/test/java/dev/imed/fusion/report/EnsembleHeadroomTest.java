package dev.imed.fusion.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EnsembleHeadroomTest {
    @Test
    void ratesOfHandMadePredictions() {
        // Three members, six images (true class, then each member's class and max-probability):
        //   0: truth 0; 0 (.9) 0 (.8) 0 (.7)  all right
        //   1: truth 1; 1 (.6) 2 (.9) 2 (.9)  majority (2) wrong, the right member less sure (.6 < .9)
        //   2: truth 1; 1 (.95) 2 (.6) 2 (.7) majority wrong, the right member surer (.95 > .65): confident minority
        //   3: truth 2; 0 (.5) 1 (.5) 0 (.5)  all wrong
        //   4: truth 0; 1 (.8) 0 (.7) 2 (.6)  no majority, member 1 right
        //   5: truth 1; 1 (.9) 1 (.8) 0 (.9)  majority right
        int[] truth = {0, 1, 1, 2, 0, 1};
        long[] predictions = {0, 0, 0, 1, 2, 2, 1, 2, 2, 0, 1, 0, 1, 0, 2, 1, 1, 0};
        float[] confidence = {.9f, .8f, .7f, .6f, .9f, .9f, .95f, .6f, .7f, .5f, .5f, .5f, .8f, .7f, .6f, .9f, .8f, .9f};
        EnsembleHeadroom headroom = new EnsembleHeadroom(3);
        // Two batches, as a pass over a domain adds them.
        headroom.add(new int[] {0, 1, 1}, java.util.Arrays.copyOfRange(predictions, 0, 9),
                java.util.Arrays.copyOfRange(confidence, 0, 9));
        headroom.add(new int[] {2, 0, 1}, java.util.Arrays.copyOfRange(predictions, 9, 18),
                java.util.Arrays.copyOfRange(confidence, 9, 18));
        assertThat(headroom.images()).isEqualTo(truth.length);
        // Some member right on images 0, 1, 2, 4, 5: 5 of 6.
        assertThat(headroom.oracleRate()).isCloseTo(500.0 / 6, within(1e-9));
        // Member accuracies: member 0 right on 0, 1, 2, 5 (4); member 1 on 0, 4, 5 (3); member 2 on 0 (1). Best: member 0,
        // wrong while another is right on image 4 only.
        assertThat(headroom.bestMember()).isZero();
        assertThat(headroom.bestMemberWrongAnotherRightRate()).isCloseTo(100.0 / 6, within(1e-9));
        assertThat(headroom.confidentMinorityRightRate()).isCloseTo(100.0 / 6, within(1e-9));
        // Disagreeing pairs (of 3) per image: 0, 2, 2, 2, 3, 2 → 11 of 18 pair-images.
        assertThat(headroom.meanPairwiseDisagreement()).isCloseTo(1100.0 / 18, within(1e-9));
        assertThat(headroom.summary()).containsEntry("oracle", 83.33).containsEntry("bestMember", 0)
                .containsEntry("bestMemberWrongAnotherRight", 16.67).containsEntry("confidentMinorityRight", 16.67)
                .containsEntry("meanPairwiseDisagreement", 61.11);
    }
}

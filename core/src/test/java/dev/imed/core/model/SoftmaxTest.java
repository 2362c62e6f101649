package dev.imed.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void eachRowIsTheSoftmaxOfItsLogits() {
        float[] p = Softmax.rows(new float[] {0f, (float) Math.log(3), 1000f, 1000f}, 2);
        assertThat(p[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(p[1]).isCloseTo(0.75f, within(1e-6f));
        // Large logits would overflow exp() without the row maximum subtracted first.
        assertThat(p[2]).isCloseTo(0.5f, within(1e-6f));
        assertThat(p[3]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void oneRowAtAnOffset() {
        double[] p = Softmax.row(new float[] {9f, 2f, 2f, 2f}, 1, 3);
        assertThat(p).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, within(1e-12));
    }

    @Test
    void logitsThatDoNotFormRowsAreRefused() {
        assertThatThrownBy(() -> Softmax.rows(new float[5], 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 logits").hasMessageContaining("2 classes");
    }
}

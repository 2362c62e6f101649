package dev.imed.ensemble.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.init.Initialization;
import org.junit.jupiter.api.Test;

/** The builder starts at the digits defaults, copies every field, and leaves the cache text as it was. */
class ComponentConfigTest {
    @Test
    void theDigitsDefaultsKeepTheTextThatNamesCachedRuns() {
        // Suite directories and checkpoints are named from this text: changing it orphans every trained component.
        assertThat(ComponentConfig.digits("dann", "syn", "mnist5k").toString()).isEqualTo("ComponentConfig[method=dann, "
                + "backbone=lenet, source=syn, target=mnist5k, iterations=2000, batchSize=32, lr=0.01, lrGamma=0.001, "
                + "momentum=0.9, weightDecay=5.0E-4, tradeOff=1.0, seed=0, checkpointEvery=500, init=PYTORCH]");
    }

    @Test
    void toBuilderCopiesEveryFieldAndAChangeTouchesOnlyItsOwn() {
        ComponentConfig config = ComponentConfig.builder("cdan+mcc", "uci1797", "mnist5k").backbone("student-cnn")
                .iterations(300).batchSize(16).lr(0.02f).lrGamma(0.002f).momentum(0.8f).weightDecay(1e-3f).tradeOff(2f)
                .seed(7).checkpointEvery(50).init(Initialization.DJL).build();
        assertThat(config.toBuilder().build()).isEqualTo(config);
        ComponentConfig other = config.withSeed(8);
        assertThat(other.seed()).isEqualTo(8);
        assertThat(other.toBuilder().seed(7).build()).isEqualTo(config);
        assertThat(config.withIterations(10).iterations()).isEqualTo(10);
        assertThat(config.method()).isEqualTo("cdan+mcc");
        assertThat(config.init()).isEqualTo(Initialization.DJL);
    }
}

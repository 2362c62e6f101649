package dev.imed.ensemble.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.DigitDomains;
import dev.imed.ensemble.method.Methods;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method's own networks must survive a checkpoint: a CDAN run once died at its first checkpoint.
 * Every registered method is run, so a new plug-in is covered without editing this test.
 */
class EveryMethodCheckpointsTest {

    static Stream<String> everyMethodAndAComposition() {
        return Stream.concat(Methods.names().stream(), Stream.of("cdan+mcc"));
    }

    @ParameterizedTest
    @MethodSource("everyMethodAndAComposition")
    void trainsThroughACheckpointAndWritesABundle(String method, @TempDir Path dir) {
        ComponentConfig config = ComponentConfig.digits(method, "syn", "syn").withIterations(4).withCheckpointEvery(2).withBatchSize(8);
        Bundle bundle = ComponentTrainer.train(config, DigitDomains.open("syn:60:0"), DigitDomains.open("syn:60:1"), dir.resolve("c"));
        assertThat(bundle.manifest().method()).isEqualTo(method);
        assertThat(ComponentTrainer.checkpointFile(dir.resolve("c"))).doesNotExist();
    }
}

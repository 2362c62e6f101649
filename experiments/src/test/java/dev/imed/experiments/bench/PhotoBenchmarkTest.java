package dev.imed.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhotoBenchmarkTest {

    /** The DJL side of {@code bench train --model resnet50} measures each round in a JVM of its own and reads it back. */
    @Test
    void aRoundRunsInAFreshJvmAndReportsItsStepsAndPeakMemory() throws Exception {
        PhotoBenchmark.Run run = PhotoBenchmark.inFreshJvm(true, "resnet18", 2, 5, 0, 2);
        assertThat(run.stepSeconds()).hasSize(2);
        assertThat(java.util.Arrays.stream(run.stepSeconds()).min().orElseThrow()).isPositive();
        // A JVM with libtorch loaded and a ResNet-18 built holds well over 100 MiB.
        assertThat(run.peakRssMb()).isGreaterThan(100);
    }
}

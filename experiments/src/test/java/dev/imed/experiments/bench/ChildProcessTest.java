package dev.imed.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildProcessTest {

    @Test
    void keepsTheResultLinesAndHandsTheRestToTheSink() throws Exception {
        List<String> other = new ArrayList<>();
        ChildProcess.Output out = ChildProcess.run(
                List.of("/bin/sh", "-c", "echo 'step_seconds 1.5'; echo noise; echo oops >&2; echo 'step_rss 12'; exit 3"),
                "step_", true, other::add, Duration.ofSeconds(30));
        assertThat(out.results()).containsExactly("step_seconds 1.5", "step_rss 12");
        assertThat(other).containsExactly("noise", "oops");
        assertThat(out.exitCode()).isEqualTo(3);
        assertThat(out.succeeded()).isFalse();
    }

    @Test
    void killsAChildThatRunsPastItsTimeout() {
        long began = System.nanoTime();
        assertThatThrownBy(() -> ChildProcess.run(List.of("/bin/sleep", "30"), "x", true, line -> { }, Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/bin/sleep")
                .hasMessageContaining("killed");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
    }
}

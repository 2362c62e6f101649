package dev.imed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.StreamConfig;
import dev.imed.streaming.StreamJobMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code imed stream} sets every option the job jar takes, to the same configuration, with the same defaults. */
class StreamCommandTest {
    private static final List<String> REQUIRED = List.of("--teacher", "/m/teacher", "--input", "/in", "--out", "/out");

    private static StreamConfig cli(List<String> args) {
        StreamCommand command = new StreamCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command.config();
    }

    private static StreamConfig job(List<String> args) {
        return StreamJobMain.parse(args.toArray(String[]::new));
    }

    @Test
    void theDefaultsAreTheJobs() {
        assertThat(cli(REQUIRED)).isEqualTo(job(REQUIRED));
    }

    @Test
    void everyJobOptionIsSettableAndMeansTheSame() {
        List<String> args = new ArrayList<>(REQUIRED);
        args.addAll(List.of("--student", "/m/student", "--registry", "/reg", "--continuous", "--monitor-interval-ms", "250",
                "--parallelism", "2", "--file-readers", "3", "--files-per-split", "12", "--batch-size", "64",
                "--batch-timeout-ms", "500", "--top-k", "5", "--train-batch", "16", "--publish-every", "7", "--lr", "0.002",
                "--checkpoint-interval-ms", "9000", "--restart-attempts", "6", "--restart-delay-ms", "2500",
                "--max-file-bytes", "1000", "--max-pixels", "2000"));
        StreamConfig config = cli(args);
        assertThat(config).isEqualTo(job(args));
        assertThat(config.monitorInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.fileReaders()).isEqualTo(3);
        assertThat(config.topK()).isEqualTo(5);
        assertThat(config.distillation().batchSize()).isEqualTo(16);
        assertThat(config.distillation().lr()).isEqualTo(0.002f);
        assertThat(config.checkpointIntervalMs()).isEqualTo(9000);
        assertThat(config.restartAttempts()).isEqualTo(6);
        assertThat(config.restartDelayMs()).isEqualTo(2500);
        assertThat(config.maxFileBytes()).isEqualTo(1000);
        assertThat(config.maxPixels()).isEqualTo(2000);
        assertThat(config.registryDir()).isEqualTo(Path.of("/reg"));
    }

    @Test
    void furtherFlinkOptionsPassThrough() {
        List<String> args = new ArrayList<>(REQUIRED);
        args.addAll(List.of("--flink", "taskmanager.memory.managed.size=64m", "--flink", "state.checkpoints.num-retained=3"));
        assertThat(cli(args).flinkOptions()).containsEntry("taskmanager.memory.managed.size", "64m")
                .containsEntry("state.checkpoints.num-retained", "3");
    }
}

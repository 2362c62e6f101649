package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.transform.InputSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's arguments and the Flink configuration every run gets. */
class StreamJobMainTest {
    @Test
    void parsesTheSameOptionsTheCliOffers() {
        StreamConfig config = StreamJobMain.parse(ParameterTool.fromArgs(new String[] {
                "--teacher", "/m/teacher", "--student", "/m/student", "--input", "/in", "--out", "/out",
                "--continuous", "--parallelism", "3", "--file-readers", "6", "--files-per-split", "12", "--batch-size", "64", "--batch-timeout-ms", "500",
                "--train-batch", "16", "--publish-every", "7", "--lr", "0.002", "--checkpoint-interval-ms", "9000",
                "--max-file-bytes", "1000", "--max-pixels", "2000", "--registry", "/reg"}));
        assertThat(config.teacher()).isEqualTo(Path.of("/m/teacher"));
        assertThat(config.student()).isEqualTo(Path.of("/m/student"));
        assertThat(config.continuous()).isTrue();
        assertThat(config.parallelism()).isEqualTo(3);
        assertThat(config.fileReaders()).isEqualTo(6);
        assertThat(config.filesPerSplit()).isEqualTo(12);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.batchTimeoutMs()).isEqualTo(500);
        assertThat(config.distillation().batchSize()).isEqualTo(16);
        assertThat(config.distillation().publishEvery()).isEqualTo(7);
        assertThat(config.distillation().lr()).isEqualTo(0.002f);
        assertThat(config.checkpointIntervalMs()).isEqualTo(9000);
        assertThat(config.maxFileBytes()).isEqualTo(1000);
        assertThat(config.maxPixels()).isEqualTo(2000);
        assertThat(config.registryDir()).isEqualTo(Path.of("/reg"));
    }

    @Test
    void withoutAStudentTheJobOnlyLabels() {
        StreamConfig config = StreamJobMain.parse(ParameterTool.fromArgs(new String[] {
                "--teacher", "t", "--input", "i", "--out", "o"}));
        assertThat(config.distills()).isFalse();
        assertThat(config.continuous()).isFalse();
        assertThat(config.registryDir()).isEqualTo(Path.of("o", "students"));
        assertThatThrownBy(() -> StreamJobMain.parse(ParameterTool.fromArgs(new String[] {"--teacher", "t"})))
                .hasMessageContaining("input");
    }

    @Test
    void resumeAutoWithoutACheckpointStartsAfreshAndAPathMustHoldOne(@TempDir Path dir) throws Exception {
        StreamConfig config = StreamJobMain.parse(ParameterTool.fromArgs(new String[] {
                "--teacher", "t", "--input", "i", "--out", dir.toString(), "--resume", "auto"}));
        assertThat(config.resumeFrom()).isNull();
        Path job = java.nio.file.Files.createDirectories(StreamJob.checkpointsDir(dir).resolve("0123").resolve("chk-7"));
        assertThatThrownBy(() -> StreamJob.resumePoint(job.toString(), dir)).hasMessageContaining("neither a complete checkpoint");
        java.nio.file.Files.writeString(job.resolve("_metadata"), "x");
        assertThat(StreamJob.resumePoint("auto", dir)).contains(job);
        assertThat(StreamJob.resumePoint(job.getParent().toString(), dir)).contains(job);
        assertThat(StreamJob.resumePoint(dir.toString(), dir)).contains(job);
        assertThatThrownBy(() -> RunIdentity.ofCheckpoint(job)).hasMessageContaining("run.json");
        new RunIdentity("20260101T000000-abcdef", "0123", null).write(dir);
        assertThat(RunIdentity.ofCheckpoint(job).runId()).isEqualTo("20260101T000000-abcdef");
    }

    @Test
    void everyRunCheckpointsRestartsAndLoadsDjlParentFirst() {
        StreamConfig config = StreamConfig.defaults(Path.of("t"), null, Path.of("i"), Path.of("o"))
                .withCheckpointInterval(1234).withRestarts(1, 50)
                .withFlinkOption("taskmanager.memory.managed.size", "64m");
        Configuration conf = StreamJob.flinkConfiguration(config);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofMillis(1234));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).endsWith("/o/checkpoints");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(1);
        assertThat(conf.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL)).contains("ai.djl.");
        assertThat(conf.toMap()).containsEntry("taskmanager.memory.managed.size", "64m");
    }

    @Test
    void theTeacherSendsEachTaughtBatchAsSoonAsItIsWritten(@TempDir Path dir) {
        // Left to the output flusher, a taught batch's last buffer waited up to 100 ms and the teacher ran out of
        // free buffers 13 % of the time while the student sat idle (docs/results/benchmarks.md).
        StreamConfig config = StreamConfig.defaults(dir.resolve("teacher"), dir.resolve("student"), dir, dir.resolve("out"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamJob.define(env, config, new StreamJob.Models(InputSpec.digits(), "sha", 8, dir.resolve("student")), "run", StreamTap.NONE, 1);
        StreamGraph graph = env.getStreamGraph();
        List<StreamNode> teachers = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("teacher")).toList();
        assertThat(teachers).hasSize(1);
        assertThat(teachers.get(0).getBufferTimeout()).isZero();
        assertThat(graph.getStreamNodes()).anyMatch(n -> n.getOperatorName().equals("online distillation"));
    }
}

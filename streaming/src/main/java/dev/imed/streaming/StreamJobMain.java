package dev.imed.streaming;

import dev.imed.streaming.distill.OnlineDistillation;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The job jar's entry point, for an existing Flink cluster:
 * <pre>
 * flink run -c dev.imed.streaming.StreamJobMain imed-streaming-job.jar \
 *     --teacher DIR --student DIR --input DIR --out DIR [--continuous] [--parallelism P] ...
 * </pre>
 * Every path must be visible at the same place to the client and to every task manager (a shared
 * mount). Options: {@code --registry DIR}, {@code --file-readers R}, {@code --files-per-split F}, {@code --batch-size N}, {@code --batch-timeout-ms T},
 * {@code --train-batch N}, {@code --publish-every M}, {@code --lr R}, {@code --holdout-every K}, {@code --gate-window W},
 * {@code --gate-epsilon E}, {@code --gate-min-entropy-ratio Q}, {@code --checkpoint-interval-ms C},
 * {@code --monitor-interval-ms I}, {@code --max-file-bytes B}, {@code --max-pixels X},
 * {@code --restart-attempts A}, {@code --restart-delay-ms D}, {@code --top-k K}, {@code --resume auto|CHECKPOINT} (auto: the newest checkpoint retained
 * under {@code --out}, if any). Omit {@code --student} to only label. Run as a plain Java program it
 * runs the job on an embedded cluster and prints the summary; SIGTERM cancels it.
 */
public final class StreamJobMain {
    private StreamJobMain() {}

    /** The job jar's command line (what {@code flink run} starts): like a CLI command, it reports on standard output. */
    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        StreamConfig config = parse(params);
        StreamJob.Prepared prepared = StreamJob.prepare(config);
        if (config.resumeFrom() != null) {
            System.out.println("resuming run " + prepared.identity().runId() + " from " + config.resumeFrom());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(prepared.flinkConfiguration());
        env.setParallelism(config.parallelism());
        StreamJob.define(env, config, prepared.models(), prepared.identity().runId(), StreamTap.NONE,
                env instanceof LocalStreamEnvironment ? StreamJob.embeddedThreads(config) : 0);
        if (!(env instanceof LocalStreamEnvironment)) {
            // Under `flink run`: the client decides whether to wait (attached) or not (-d).
            env.execute(prepared.jobName());
            return;
        }
        // Run as a plain program: an embedded cluster in this JVM, which SIGTERM (Ctrl-C) cancels cleanly.
        RunningStream running = new RunningStream(env.executeAsync(prepared.jobName()), config, prepared.identity().runId());
        Thread cancel = new Thread(running::cancel, "cancel stream job");
        Runtime.getRuntime().addShutdownHook(cancel);
        StreamSummary summary = running.await();
        try {
            Runtime.getRuntime().removeShutdownHook(cancel);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is cancelling.
        }
        System.out.println(summary.status() + ": run " + summary.runId() + ", " + summary.labelled() + " labelled, "
                + summary.deadLetters() + " dead letters, " + summary.versions().size() + " student versions");
    }

    /** The configuration the job jar's arguments give (the same as {@code imed stream}'s options). */
    public static StreamConfig parse(String[] args) {
        return parse(ParameterTool.fromArgs(args));
    }

    static StreamConfig parse(ParameterTool params) {
        String student = params.get("student");
        StreamConfig defaults = StreamConfig.defaults(Path.of(params.getRequired("teacher")),
                student == null ? null : Path.of(student), Path.of(params.getRequired("input")), Path.of(params.getRequired("out")));
        OnlineDistillation distillation = defaults.distillation()
                .withBatchSize(params.getInt("train-batch", defaults.distillation().batchSize()))
                .withPublishEvery(params.getInt("publish-every", defaults.distillation().publishEvery()))
                .withLr(params.getFloat("lr", defaults.distillation().lr()))
                .withHoldout(params.getInt("holdout-every", defaults.distillation().holdoutEvery()),
                        params.getInt("gate-window", defaults.distillation().window()))
                .withGate(params.getDouble("gate-epsilon", defaults.distillation().gateEpsilon()),
                        params.getDouble("gate-min-entropy-ratio", defaults.distillation().gateMinEntropyRatio()));
        StreamConfig config = defaults
                .withContinuous(params.has("continuous"))
                .withMonitorInterval(Duration.ofMillis(params.getLong("monitor-interval-ms", defaults.monitorInterval().toMillis())))
                .withParallelism(params.getInt("parallelism", defaults.parallelism()))
                .withFileReaders(params.getInt("file-readers", defaults.fileReaders()))
                .withFilesPerSplit(params.getInt("files-per-split", defaults.filesPerSplit()))
                .withBatch(params.getInt("batch-size", defaults.batchSize()), params.getLong("batch-timeout-ms", defaults.batchTimeoutMs()))
                .withTopK(params.getInt("top-k", defaults.topK()))
                .withDistillation(distillation)
                .withCheckpointInterval(params.getLong("checkpoint-interval-ms", defaults.checkpointIntervalMs()))
                .withRestarts(params.getInt("restart-attempts", defaults.restartAttempts()),
                        params.getLong("restart-delay-ms", defaults.restartDelayMs()))
                .withLimits(params.getLong("max-file-bytes", defaults.maxFileBytes()), params.getLong("max-pixels", defaults.maxPixels()));
        if (params.has("registry")) {
            config = config.withRegistry(Path.of(params.get("registry")));
        }
        return config.withResumeFrom(StreamJob.resumePoint(params.get("resume"), config.out()).orElse(null));
    }
}

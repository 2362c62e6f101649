package dev.imed.cli;

import dev.imed.streaming.StreamConfig;
import dev.imed.streaming.StreamJob;
import dev.imed.streaming.StreamSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed stream}: the Flink job that labels a live target domain and keeps distilling the student. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Stream target images through the teacher (Flink), label them and keep distilling the student.")
final class StreamCommand implements Callable<Integer> {
    @Option(names = "--teacher", required = true, description = "teacher bundle that labels the stream")
    Path teacher;
    @Option(names = "--student", description = "starting student bundle (or a registry: its newest version); omit to only label")
    Path student;
    @Option(names = "--input", required = true, description = "directory of images, or kafka:HOST:PORT/TOPIC (records: image bytes keyed by id)")
    Path input;
    @Option(names = "--out", required = true, description = "labels, dead letters, checkpoints and the summary")
    Path out;
    @Option(names = "--registry", description = "where new student versions are published (default: OUT/students)")
    Path registry;
    @Option(names = "--continuous", description = "keep watching the directory for new files until interrupted")
    boolean continuous;
    @Option(names = "--parallelism", defaultValue = "1", description = "labelling tasks (default: ${DEFAULT-VALUE})")
    int parallelism;
    @Option(names = "--file-readers", defaultValue = "4", description = "tasks that read files (default: ${DEFAULT-VALUE})")
    int fileReaders;
    @Option(names = "--holdout-every", defaultValue = "8", description = "quality gate: every N-th image is held out of "
            + "training to judge versions before they are published; 0 turns the gate off (default: ${DEFAULT-VALUE})")
    int holdoutEvery;
    @Option(names = "--gate-window", defaultValue = "256", description = "quality gate: held-out images kept, the most recent "
            + "(default: ${DEFAULT-VALUE})")
    int gateWindow;
    @Option(names = "--gate-epsilon", defaultValue = "1.0", description = "quality gate: the most points of agreement with "
            + "the teacher a version may lose against the published one (default: ${DEFAULT-VALUE})")
    double gateEpsilon;
    @Option(names = "--gate-min-entropy-ratio", defaultValue = "0.5", description = "quality gate: the least entropy of a "
            + "version's predicted-class histogram relative to the teacher's (default: ${DEFAULT-VALUE})")
    double gateMinEntropyRatio;
    @Option(names = "--files-per-split", defaultValue = "32",
            description = "files a reader takes from the source at a time (default: ${DEFAULT-VALUE})")
    int filesPerSplit;
    @Option(names = "--monitor-interval-ms", defaultValue = "1000",
            description = "with --continuous, between two listings of the input (default: ${DEFAULT-VALUE})")
    long monitorIntervalMs;
    @Option(names = "--batch-size", defaultValue = "32", description = "images per teacher batch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--batch-timeout-ms", defaultValue = "200",
            description = "a partial batch is labelled after this long (default: ${DEFAULT-VALUE})")
    long batchTimeoutMs;
    @Option(names = "--top-k", defaultValue = "3", description = "classes listed per label (default: ${DEFAULT-VALUE})")
    int topK;
    @Option(names = "--train-batch", defaultValue = "32", description = "images per student training step (default: ${DEFAULT-VALUE})")
    int trainBatch;
    @Option(names = "--publish-every", defaultValue = "50", description = "student steps between published versions (default: ${DEFAULT-VALUE})")
    int publishEvery;
    @Option(names = "--lr", defaultValue = "0.01", description = "the student's base learning rate, annealed (default: ${DEFAULT-VALUE})")
    float lr;
    @Option(names = "--checkpoint-interval-ms", defaultValue = "2000",
            description = "between checkpoints; outputs become visible at each (default: ${DEFAULT-VALUE})")
    long checkpointIntervalMs;
    @Option(names = "--restart-attempts", defaultValue = "3",
            description = "restarts from the last checkpoint after a failure before the job fails (default: ${DEFAULT-VALUE})")
    int restartAttempts;
    @Option(names = "--restart-delay-ms", defaultValue = "1000", description = "delay before each restart (default: ${DEFAULT-VALUE})")
    long restartDelayMs;
    @Option(names = "--max-file-bytes", defaultValue = "33554432",
            description = "larger files are dead letters, never read (default: ${DEFAULT-VALUE})")
    long maxFileBytes;
    @Option(names = "--max-pixels", defaultValue = "40000000",
            description = "images whose header declares more pixels are dead letters, never decoded (default: ${DEFAULT-VALUE})")
    long maxPixels;
    @Option(names = "--flink", paramLabel = "KEY=VALUE", description = "any further Flink option, e.g. --flink taskmanager.memory.managed.size=64m")
    java.util.Map<String, String> flinkOptions = new java.util.LinkedHashMap<>();
    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "submit to a running session cluster's REST endpoint (imed cluster start) instead of an embedded one")
    String cluster;
    @Option(names = "--job-jar", paramLabel = "JAR",
            description = "with --cluster: the job jar to ship (needed when the cluster's TaskManagers lack imed's classes)")
    Path jobJar;
    @Option(names = "--detach", description = "with --cluster: return once the job is submitted")
    boolean detach;
    @Option(names = "--resume", paramLabel = "auto|CHECKPOINT",
            description = "carry on a run: auto (the newest checkpoint retained under --out, if any; else start afresh) or a checkpoint directory")
    String resume;

    /** The job's configuration as the options give it. */
    StreamConfig config() {
        StreamConfig defaults = StreamConfig.defaults(teacher, student, input, out);
        StreamConfig config = defaults
                .withContinuous(continuous)
                .withMonitorInterval(java.time.Duration.ofMillis(monitorIntervalMs))
                .withParallelism(parallelism)
                .withFileReaders(fileReaders)
                .withFilesPerSplit(filesPerSplit)
                .withBatch(batchSize, batchTimeoutMs)
                .withTopK(topK)
                .withDistillation(defaults.distillation().withBatchSize(trainBatch).withPublishEvery(publishEvery).withLr(lr)
                        .withHoldout(holdoutEvery, gateWindow).withGate(gateEpsilon, gateMinEntropyRatio))
                .withCheckpointInterval(checkpointIntervalMs)
                .withRestarts(restartAttempts, restartDelayMs)
                .withLimits(maxFileBytes, maxPixels);
        for (java.util.Map.Entry<String, String> option : flinkOptions.entrySet()) {
            config = config.withFlinkOption(option.getKey(), option.getValue());
        }
        if (registry != null) {
            config = config.withRegistry(registry);
        }
        return config.withResumeFrom(StreamJob.resumePoint(resume, out).orElse(null));
    }

    @Override
    public Integer call() {
        StreamConfig config = config();
        if (config.resumeFrom() != null) {
            System.out.println("resuming from " + config.resumeFrom());
        } else if (resume != null) {
            System.out.println("no retained checkpoint under " + out + ": starting a new run");
        }
        dev.imed.streaming.RunningStream running;
        if (cluster != null) {
            running = StreamJob.submit(config, cluster, jobJar == null ? java.util.List.of() : java.util.List.of(jobJar),
                    dev.imed.streaming.StreamTap.NONE);
            System.out.println("submitted run " + running.runId() + " as job " + running.jobId() + " to " + cluster);
            if (detach) {
                System.out.println("detached; outputs under " + out + " (imed cluster status; resume with --resume auto)");
                return 0;
            }
        } else {
            running = StreamJob.start(config);
        }
        // A continuous job runs until interrupted: Ctrl-C cancels it cleanly and still prints the summary.
        Thread cancel = new Thread(running::cancel);
        Runtime.getRuntime().addShutdownHook(cancel);
        StreamSummary summary = running.await();
        try {
            Runtime.getRuntime().removeShutdownHook(cancel);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is cancelling.
        }
        System.out.printf("%s: %d labelled, %d dead letters %s, %.1f img/s, %d student versions%n", summary.status(),
                summary.labelled(), summary.deadLetters(), summary.deadLettersByReason(), summary.labellingImagesPerSecond(),
                summary.versions().size());
        if (summary.latestStudent() != null) {
            System.out.println("newest student: " + summary.latestStudent() + " (" + summary.studentSteps() + " steps, "
                    + summary.studentImagesSeen() + " images)");
        }
        return 0;
    }
}

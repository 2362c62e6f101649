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
    @Option(names = "--input", required = true, description = "directory of images")
    Path input;
    @Option(names = "--out", required = true, description = "labels, dead letters, checkpoints and the summary")
    Path out;
    @Option(names = "--registry", description = "where new student versions are published (default: OUT/students)")
    Path registry;
    @Option(names = "--continuous", description = "keep watching the directory for new files until interrupted")
    boolean continuous;
    @Option(names = "--parallelism", defaultValue = "1", description = "labelling tasks (default: ${DEFAULT-VALUE})")
    int parallelism;
    @Option(names = "--publish-every", defaultValue = "50", description = "student steps between published versions (default: ${DEFAULT-VALUE})")
    int publishEvery;
    @Option(names = "--files-per-split", defaultValue = "32",
            description = "files a reader takes from the source at a time (default: ${DEFAULT-VALUE})")
    int filesPerSplit;
    @Option(names = "--batch-size", defaultValue = "32", description = "images per teacher batch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--batch-timeout-ms", defaultValue = "200",
            description = "a partial batch is labelled after this long (default: ${DEFAULT-VALUE})")
    long batchTimeoutMs;

    @Option(names = "--resume", paramLabel = "auto|CHECKPOINT",
            description = "carry on a run: auto (the newest checkpoint retained under --out, if any; else start afresh) or a checkpoint directory")
    String resume;

    @Override
    public Integer call() {
        StreamConfig config = StreamConfig.defaults(teacher, student, input, out)
                .withContinuous(continuous).withParallelism(parallelism).withPublishEvery(publishEvery)
                .withFilesPerSplit(filesPerSplit).withBatch(batchSize, batchTimeoutMs);
        if (registry != null) {
            config = config.withRegistry(registry);
        }
        config = config.withResumeFrom(StreamJob.resumePoint(resume, out).orElse(null));
        if (config.resumeFrom() != null) {
            System.out.println("resuming from " + config.resumeFrom());
        } else if (resume != null) {
            System.out.println("no retained checkpoint under " + out + ": starting a new run");
        }
        // A continuous job runs until interrupted: Ctrl-C cancels it cleanly and still prints the summary.
        dev.imed.streaming.RunningStream running = StreamJob.start(config);
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

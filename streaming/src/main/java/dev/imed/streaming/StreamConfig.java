package dev.imed.streaming;

import dev.imed.streaming.distill.OnlineDistillation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code imed stream} runs.
 *
 * @param teacher the teacher bundle that labels the stream
 * @param student the starting student bundle (or a student registry: its newest version), or null to
 *     only label
 * @param input the directory of images
 * @param out where labels, dead letters, published versions, checkpoints and the summary go
 * @param registry where new student versions are published ({@code out/students} when null)
 * @param continuous false: the files present at start, then the job ends; true: also every file that
 *     lands later, until cancelled
 * @param monitorInterval how often a continuous job looks for new files
 * @param parallelism tasks that decode and label (the student trains in one)
 * @param fileReaders tasks that read files
 * @param filesPerSplit the most files in one split, the unit in which file readers ask Flink's source
 *     coordinator for work: each request is a round trip of milliseconds, so a split holds many files
 * @param batchSize the most images per teacher call
 * @param batchTimeoutMs the longest an image waits for its teacher batch to fill
 * @param topK classes listed per label
 * @param distillation how the student learns (batch size, publishing interval, optimiser)
 * @param checkpointIntervalMs between checkpoints; outputs become visible at each one
 * @param restartAttempts restarts after a failure (fixed delay) before the job fails
 * @param restartDelayMs the delay before a restart
 * @param maxFileBytes larger files are dead letters, never read
 * @param maxPixels images whose header declares more pixels are dead letters, never decoded
 * @param resumeFrom a retained checkpoint or savepoint to resume from, or null to start afresh
 * @param flinkOptions further Flink configuration, e.g. {@code taskmanager.memory.managed.size}
 */
public record StreamConfig(Path teacher, Path student, Path input, Path out, Path registry, boolean continuous,
                           Duration monitorInterval, int parallelism, int fileReaders, int filesPerSplit, int batchSize, long batchTimeoutMs, int topK,
                           OnlineDistillation distillation, long checkpointIntervalMs, int restartAttempts,
                           long restartDelayMs, long maxFileBytes, long maxPixels, Path resumeFrom,
                           Map<String, String> flinkOptions) {

    public StreamConfig {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(distillation, "distillation");
        Objects.requireNonNull(monitorInterval, "monitorInterval");
        positive("parallelism", parallelism);
        positive("fileReaders", fileReaders);
        positive("filesPerSplit", filesPerSplit);
        positive("batchSize", batchSize);
        positive("batchTimeoutMs", batchTimeoutMs);
        positive("topK", topK);
        positive("checkpointIntervalMs", checkpointIntervalMs);
        positive("maxFileBytes", maxFileBytes);
        positive("maxPixels", maxPixels);
        if (restartAttempts < 0 || restartDelayMs < 0) {
            throw new IllegalArgumentException("restart attempts and delay cannot be negative");
        }
        flinkOptions = flinkOptions == null ? Map.of() : Map.copyOf(flinkOptions);
    }

    /**
     * Bounded, parallelism 1 with 4 file readers taking 32 files a split, teacher batches of 32 or 200 ms, top 3, the default distillation (32
     * images a step, a version every 50 steps), a checkpoint every 2 s, 3 restarts 1 s apart, files up
     * to 32 MiB and 40 megapixels.
     */
    public static StreamConfig defaults(Path teacher, Path student, Path input, Path out) {
        return new StreamConfig(teacher, student, input, out, null, false, Duration.ofSeconds(1), 1, 4, 32, 32, 200, 3,
                OnlineDistillation.defaults(), 2000, 3, 1000, 32L << 20, 40_000_000L, null, Map.of());
    }

    public Path registryDir() {
        return registry != null ? registry : out.resolve("students");
    }

    public boolean distills() {
        return student != null;
    }

    public StreamConfig withStudent(Path bundleOrRegistry) {
        return new StreamConfig(teacher, bundleOrRegistry, input, out, registry, continuous, monitorInterval,
                parallelism, fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs,
                restartAttempts, restartDelayMs, maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withRegistry(Path dir) {
        return new StreamConfig(teacher, student, input, out, dir, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withContinuous(boolean on) {
        return new StreamConfig(teacher, student, input, out, registry, on, monitorInterval, parallelism, fileReaders, filesPerSplit,
                batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withMonitorInterval(Duration interval) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, interval, parallelism, fileReaders, filesPerSplit,
                batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withParallelism(int p) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, p, fileReaders, filesPerSplit,
                batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withFileReaders(int readers) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism, readers, filesPerSplit,
                batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withFilesPerSplit(int files) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism, fileReaders,
                files, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withBatch(int size, long timeoutMs) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, size, timeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withTopK(int k) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, k, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withDistillation(OnlineDistillation d) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, d, checkpointIntervalMs, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withPublishEvery(int steps) {
        return withDistillation(distillation.withPublishEvery(steps));
    }

    public StreamConfig withCheckpointInterval(long ms) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, ms, restartAttempts, restartDelayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withRestarts(int attempts, long delayMs) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, attempts, delayMs,
                maxFileBytes, maxPixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withLimits(long fileBytes, long pixels) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, fileBytes, pixels, resumeFrom, flinkOptions);
    }

    public StreamConfig withResumeFrom(Path checkpoint) {
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, maxFileBytes, maxPixels, checkpoint, flinkOptions);
    }

    public StreamConfig withFlinkOption(String key, String value) {
        Map<String, String> options = new LinkedHashMap<>(flinkOptions);
        options.put(key, value);
        return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs, restartAttempts,
                restartDelayMs, maxFileBytes, maxPixels, resumeFrom, options);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}

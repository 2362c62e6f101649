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
        return toBuilder().student(bundleOrRegistry).build();
    }

    public StreamConfig withRegistry(Path dir) {
        return toBuilder().registry(dir).build();
    }

    public StreamConfig withContinuous(boolean on) {
        return toBuilder().continuous(on).build();
    }

    public StreamConfig withMonitorInterval(Duration interval) {
        return toBuilder().monitorInterval(interval).build();
    }

    public StreamConfig withParallelism(int p) {
        return toBuilder().parallelism(p).build();
    }

    public StreamConfig withFileReaders(int readers) {
        return toBuilder().fileReaders(readers).build();
    }

    public StreamConfig withFilesPerSplit(int files) {
        return toBuilder().filesPerSplit(files).build();
    }

    public StreamConfig withBatch(int size, long timeoutMs) {
        return toBuilder().batchSize(size).batchTimeoutMs(timeoutMs).build();
    }

    public StreamConfig withTopK(int k) {
        return toBuilder().topK(k).build();
    }

    public StreamConfig withDistillation(OnlineDistillation d) {
        return toBuilder().distillation(d).build();
    }

    public StreamConfig withPublishEvery(int steps) {
        return withDistillation(distillation.withPublishEvery(steps));
    }

    public StreamConfig withCheckpointInterval(long ms) {
        return toBuilder().checkpointIntervalMs(ms).build();
    }

    public StreamConfig withRestarts(int attempts, long delayMs) {
        return toBuilder().restartAttempts(attempts).restartDelayMs(delayMs).build();
    }

    public StreamConfig withLimits(long fileBytes, long pixels) {
        return toBuilder().maxFileBytes(fileBytes).maxPixels(pixels).build();
    }

    public StreamConfig withResumeFrom(Path checkpoint) {
        return toBuilder().resumeFrom(checkpoint).build();
    }

    public StreamConfig withFlinkOption(String key, String value) {
        Map<String, String> options = new LinkedHashMap<>(flinkOptions);
        options.put(key, value);
        return toBuilder().flinkOptions(options).build();
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** A builder holding this configuration, to change some fields of a copy by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link StreamConfig} by field name, from a copy of another one ({@link #toBuilder}). */
    public static final class Builder {
        private Path teacher;
        private Path student;
        private Path input;
        private Path out;
        private Path registry;
        private boolean continuous;
        private Duration monitorInterval;
        private int parallelism;
        private int fileReaders;
        private int filesPerSplit;
        private int batchSize;
        private long batchTimeoutMs;
        private int topK;
        private OnlineDistillation distillation;
        private long checkpointIntervalMs;
        private int restartAttempts;
        private long restartDelayMs;
        private long maxFileBytes;
        private long maxPixels;
        private Path resumeFrom;
        private Map<String, String> flinkOptions;

        private Builder(StreamConfig c) {
            teacher = c.teacher;
            student = c.student;
            input = c.input;
            out = c.out;
            registry = c.registry;
            continuous = c.continuous;
            monitorInterval = c.monitorInterval;
            parallelism = c.parallelism;
            fileReaders = c.fileReaders;
            filesPerSplit = c.filesPerSplit;
            batchSize = c.batchSize;
            batchTimeoutMs = c.batchTimeoutMs;
            topK = c.topK;
            distillation = c.distillation;
            checkpointIntervalMs = c.checkpointIntervalMs;
            restartAttempts = c.restartAttempts;
            restartDelayMs = c.restartDelayMs;
            maxFileBytes = c.maxFileBytes;
            maxPixels = c.maxPixels;
            resumeFrom = c.resumeFrom;
            flinkOptions = c.flinkOptions;
        }

        public Builder teacher(Path value) {
            teacher = value;
            return this;
        }

        public Builder student(Path value) {
            student = value;
            return this;
        }

        public Builder input(Path value) {
            input = value;
            return this;
        }

        public Builder out(Path value) {
            out = value;
            return this;
        }

        public Builder registry(Path value) {
            registry = value;
            return this;
        }

        public Builder continuous(boolean value) {
            continuous = value;
            return this;
        }

        public Builder monitorInterval(Duration value) {
            monitorInterval = value;
            return this;
        }

        public Builder parallelism(int value) {
            parallelism = value;
            return this;
        }

        public Builder fileReaders(int value) {
            fileReaders = value;
            return this;
        }

        public Builder filesPerSplit(int value) {
            filesPerSplit = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder batchTimeoutMs(long value) {
            batchTimeoutMs = value;
            return this;
        }

        public Builder topK(int value) {
            topK = value;
            return this;
        }

        public Builder distillation(OnlineDistillation value) {
            distillation = value;
            return this;
        }

        public Builder checkpointIntervalMs(long value) {
            checkpointIntervalMs = value;
            return this;
        }

        public Builder restartAttempts(int value) {
            restartAttempts = value;
            return this;
        }

        public Builder restartDelayMs(long value) {
            restartDelayMs = value;
            return this;
        }

        public Builder maxFileBytes(long value) {
            maxFileBytes = value;
            return this;
        }

        public Builder maxPixels(long value) {
            maxPixels = value;
            return this;
        }

        public Builder resumeFrom(Path value) {
            resumeFrom = value;
            return this;
        }

        public Builder flinkOptions(Map<String, String> value) {
            flinkOptions = value;
            return this;
        }

        public StreamConfig build() {
            return new StreamConfig(teacher, student, input, out, registry, continuous, monitorInterval, parallelism,
                    fileReaders, filesPerSplit, batchSize, batchTimeoutMs, topK, distillation, checkpointIntervalMs,
                    restartAttempts, restartDelayMs, maxFileBytes, maxPixels, resumeFrom, flinkOptions);
        }
    }
}

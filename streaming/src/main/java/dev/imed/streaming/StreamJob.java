package dev.imed.streaming;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.transform.InputSpec;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.decode.DecodeImages;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.distill.OnlineDistiller;
import dev.imed.streaming.distill.StudentVersion;
import dev.imed.streaming.engine.LocalFlink;
import dev.imed.streaming.engine.TaskThreads;
import dev.imed.streaming.label.TaughtBatch;
import dev.imed.streaming.label.TeacherBatcher;
import dev.imed.streaming.sink.JsonLines;
import dev.imed.streaming.source.ImageFile;
import dev.imed.streaming.source.ImageFileSource;
import dev.imed.streaming.source.KafkaImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming adaptation job. Files → decode (bad ones to the dead letters) → teacher
 * micro-batches → labels (JSON lines, exactly once) and → online distillation (one task) → published
 * student versions. {@link #run} executes it on an embedded Flink mini cluster in this JVM;
 * {@link StreamJobMain} submits the same graph to a cluster.
 *
 * <p>Output layout under {@code out}: {@code labels/}, {@code dead-letters/} and {@code published/}
 * hold JSON-line files named after the run, {@code students/} is the default student registry,
 * {@code checkpoints/} Flink's, and {@code summary-<run>.json} the summary.
 */
public final class StreamJob {
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private StreamJob() {}

    /**
     * The models as resolved before the job starts, so that a wrong path or an incompatible pair
     * fails here with a clear message, not inside a task.
     *
     * @param spec the input spec both models use
     * @param teacherSha sha256 of the teacher's weights, recorded in every published version
     * @param teacherWidth the teacher's feature width
     * @param student the concrete starting student bundle, or null
     */
    public record Models(InputSpec spec, String teacherSha, int teacherWidth, Path student) {}

    /** Runs the job to its end (a bounded input) on an embedded cluster and returns the summary. */
    public static StreamSummary run(StreamConfig config) {
        return start(config, StreamTap.NONE).await();
    }

    /** Starts the job on an embedded cluster; a continuous job runs until {@link RunningStream#cancel()}. */
    public static RunningStream start(StreamConfig config) {
        return start(config, StreamTap.NONE);
    }

    public static RunningStream start(StreamConfig config, StreamTap tap) {
        Prepared prepared = prepare(config);
        StreamExecutionEnvironment env = LocalFlink.environment(config.parallelism(), prepared.flinkConfiguration());
        define(env, config, prepared.models(), prepared.identity().runId(), tap, embeddedThreads(config));
        try {
            JobClient client = env.executeAsync(prepared.jobName());
            return new RunningStream(client, config, prepared.identity().runId());
        } catch (Exception e) {
            throw new StreamJobException("the stream job did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Submits the job to a running session cluster's REST endpoint ({@code HOST:PORT}) as {@code flink run}
     * does (Flink's remote executor, a {@code RestClusterClient}): the job graph is built here, and
     * {@code jars} (the job jar, if the cluster's TaskManagers do not have imed's classes on their
     * classpath, as {@code imed cluster start}'s do) travel with it. Every path in {@code config} must be
     * visible at the same place to this process and to every TaskManager.
     */
    public static RunningStream submit(StreamConfig config, String hostPort, List<Path> jars, StreamTap tap) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new StreamJobException(hostPort + ": expected HOST:PORT of the cluster's REST endpoint");
        }
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new StreamJobException(jar + ": no such job jar");
            }
        }
        Prepared prepared = prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(host, port,
                prepared.flinkConfiguration(), jars.stream().map(j -> j.toAbsolutePath().toString()).toArray(String[]::new));
        env.setParallelism(config.parallelism());
        // Each TaskManager sets its own threads for its cores and slots (as imed cluster's do).
        define(env, config, prepared.models(), prepared.identity().runId(), tap, 0);
        try {
            JobClient client = env.executeAsync(prepared.jobName());
            return new RunningStream(client, config, prepared.identity().runId());
        } catch (Exception e) {
            throw new StreamJobException("the stream job was not accepted by " + hostPort + ": " + e.getMessage(), e);
        }
    }

    /**
     * A job ready to be defined and submitted: the resolved models, its identity (a new run, or the run
     * of the checkpoint it resumes) already recorded in its checkpoint directory, and the Flink
     * configuration that fixes its job id to the identity's.
     */
    public record Prepared(Models models, RunIdentity identity, Configuration flinkConfiguration) {
        public String jobName() {
            return "imed stream " + identity.runId();
        }

        public JobID jobId() {
            return JobID.fromHexString(identity.jobId());
        }
    }

    /** PyTorch threads per model task when every one of them runs in this JVM: the teachers and the student share its cores. */
    public static int embeddedThreads(StreamConfig config) {
        return TaskThreads.perTask(Runtime.getRuntime().availableProcessors(), config.parallelism() + (config.distills() ? 1 : 0));
    }

    /** Resolves the models, decides the run (new, or resumed) and records its identity. */
    public static Prepared prepare(StreamConfig config) {
        Models models = resolve(config);
        String runId;
        if (config.resumeFrom() != null) {
            runId = RunIdentity.ofCheckpoint(config.resumeFrom()).runId();
        } else {
            runId = newRunId();
        }
        JobID jobId = JobID.generate();
        RunIdentity identity = new RunIdentity(runId, jobId.toHexString(),
                config.resumeFrom() == null ? null : config.resumeFrom().toAbsolutePath().normalize().toString());
        identity.write(config.out());
        Configuration conf = flinkConfiguration(config);
        conf.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, jobId.toHexString());
        return new Prepared(models, identity, conf);
    }

    /**
     * What {@code --resume} names: {@code auto} is the newest complete checkpoint retained under
     * {@code out} (none: empty, the run starts afresh); otherwise a checkpoint directory
     * ({@code chk-N}), a job's checkpoint directory (its newest checkpoint) or an output directory
     * (its newest).
     */
    public static Optional<Path> resumePoint(String spec, Path out) {
        if (spec == null || spec.isBlank()) {
            return Optional.empty();
        }
        if (spec.equals("auto")) {
            return latestCheckpoint(out);
        }
        Path path = Path.of(spec).toAbsolutePath().normalize();
        if (Files.isRegularFile(path.resolve("_metadata"))) {
            return Optional.of(path);
        }
        if (Files.isDirectory(path)) {
            Optional<Path> newest = newestUnder(path, 1);
            if (newest.isEmpty()) {
                newest = latestCheckpoint(path);
            }
            if (newest.isPresent()) {
                return newest;
            }
        }
        throw new StreamJobException(spec + ": neither a complete checkpoint (chk-N with _metadata) nor a directory holding one");
    }

    /** A run id that sorts by time: {@code yyyyMMddTHHmmss-xxxxxx}. */
    static String newRunId() {
        return LocalDateTime.now().format(RUN_TIME) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /**
     * The Flink configuration of a run: checkpoints to {@code out/checkpoints} (retained on
     * cancellation, so a continuous job can resume), fixed-delay restarts, DJL loaded parent-first
     * (its native library binds to one class loader per JVM), then the user's own options.
     *
     * <p>Small files are read much faster than a model labels them, so the channels between the file
     * readers and the teacher, and between the teacher and the student, fill up; an aligned barrier
     * waits behind all of it. Buffer debloating keeps about a second of data in flight, and a barrier
     * still stuck after a second overtakes the data (an unaligned checkpoint stores it instead).
     */
    public static Configuration flinkConfiguration(StreamConfig config) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(config.checkpointIntervalMs()));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointsDir(config.out()).toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Records are immutable: chained operators may pass them on without a defensive deep copy.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        conf.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, Duration.ofSeconds(1));
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, true);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, config.restartAttempts());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(config.restartDelayMs()));
        conf.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL, List.of("ai.djl."));
        if (config.resumeFrom() != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, config.resumeFrom().toAbsolutePath().toUri().toString());
        }
        conf.addAll(Configuration.fromMap(config.flinkOptions()));
        return conf;
    }

    public static Path checkpointsDir(Path out) {
        return out.toAbsolutePath().normalize().resolve("checkpoints");
    }

    /** The newest complete checkpoint retained under {@code out} (one with its {@code _metadata}), if any. */
    public static Optional<Path> latestCheckpoint(Path out) {
        return newestUnder(checkpointsDir(out), 2);
    }

    /** The newest complete {@code chk-N} at most {@code depth} levels under {@code root}: by time, then by number. */
    private static Optional<Path> newestUnder(Path root, int depth) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.find(root, depth, (p, a) -> a.isDirectory() && p.getFileName().toString().matches("chk-\\d+"))) {
            return all.filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .max(Comparator.comparingLong((Path p) -> p.resolve("_metadata").toFile().lastModified())
                            .thenComparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list checkpoints", e);
        }
    }

    /** Checks the models and the input before anything runs. */
    public static Models resolve(StreamConfig config) {
        if (KafkaImages.isKafka(config.input())) {
            try {
                KafkaImages.parse(config.input().toString());
            } catch (IllegalArgumentException e) {
                throw new StreamJobException(e.getMessage(), e);
            }
        } else if (!Files.isDirectory(config.input())) {
            throw new StreamJobException(config.input() + ": the input is not a directory (nor kafka:HOST:PORT/TOPIC)");
        }
        Bundle teacherBundle = Bundle.open(config.teacher());
        Manifest teacher = teacherBundle.manifest();
        if (!Teacher.KIND.equals(teacher.kind())) {
            throw new StreamJobException(config.teacher() + ": is a " + teacher.kind() + " bundle, not a teacher");
        }
        Object width = teacher.architecture().get("width");
        int teacherWidth = width instanceof Number n ? n.intValue() : 256;
        if (!config.distills()) {
            return new Models(teacher.input(), teacherBundle.sha256(), teacherWidth, null);
        }
        Path studentDir = studentBundle(config.student());
        Manifest student = Bundle.open(studentDir).manifest();
        if (!student.classNames().equals(teacher.classNames())) {
            throw new StreamJobException(studentDir + ": the student's classes " + student.classNames()
                    + " are not the teacher's " + teacher.classNames());
        }
        if (!sameSpec(student.input(), teacher.input())) {
            // One preprocessed tensor feeds both models.
            throw new StreamJobException(studentDir + ": the student's input spec " + describe(student.input())
                    + " differs from the teacher's " + describe(teacher.input()));
        }
        return new Models(teacher.input(), teacherBundle.sha256(), teacherWidth, studentDir);
    }

    /** A bundle directory as it is, or a registry's newest version. */
    static Path studentBundle(Path dir) {
        if (Files.isRegularFile(dir.resolve(Bundle.MANIFEST))) {
            return dir.toAbsolutePath().normalize();
        }
        return new StudentRegistry(dir).latest()
                .orElseThrow(() -> new StreamJobException(dir + ": neither a student bundle nor a registry with a version"));
    }

    private static boolean sameSpec(InputSpec a, InputSpec b) {
        return a.height() == b.height() && a.width() == b.width() && a.resize() == b.resize()
                && Arrays.equals(a.mean(), b.mean()) && Arrays.equals(a.std(), b.std());
    }

    private static String describe(InputSpec s) {
        return s.height() + "×" + s.width() + " (resize " + s.resize() + ", mean " + Arrays.toString(s.mean()) + ", std "
                + Arrays.toString(s.std()) + ")";
    }

    /**
     * Builds the job graph into {@code env}; each model task sets PyTorch's intra-op threads to
     * {@code pytorchThreads} (0: leaves them as the TaskManager has them).
     */
    public static void define(StreamExecutionEnvironment env, StreamConfig config, Models models, String runId, StreamTap tap,
                              int pytorchThreads) {
        Path out = config.out().toAbsolutePath().normalize();
        DataStream<ImageFile> files;
        String target;
        if (KafkaImages.isKafka(config.input())) {
            KafkaImages.Input kafka = KafkaImages.parse(config.input().toString());
            files = env.fromSource(KafkaImages.source(kafka, config.continuous(), config.maxFileBytes(), runId),
                            WatermarkStrategy.noWatermarks(), "kafka images")
                    .setParallelism(config.fileReaders())
                    .uid("kafka-images");
            target = "stream:" + kafka;
        } else {
            files = env.fromSource(
                            ImageFileSource.of(config.input(), config.continuous(), config.monitorInterval(), config.maxFileBytes(),
                                    config.filesPerSplit()),
                            WatermarkStrategy.noWatermarks(), "image files")
                    .setParallelism(config.fileReaders())
                    .uid("image-files");
            target = "stream:" + config.input().toAbsolutePath().normalize();
        }
        // Readers hand files to the decoders round-robin: bytes are cheaper to move than decoded tensors.
        SingleOutputStreamOperator<DecodedImage> decoded = files
                .process(new DecodeImages(models.spec(), config.maxPixels()))
                .returns(DecodedImage.class)
                .name("decode").uid("decode");
        SingleOutputStreamOperator<TaughtBatch> taught = tap.apply(decoded)
                .transform("teacher", TypeInformation.of(TaughtBatch.class), new TeacherBatcher(
                        config.teacher().toAbsolutePath().toString(), config.batchSize(), config.batchTimeoutMs(),
                        config.topK(), config.distills(), pytorchThreads))
                .uid("teacher")
                // A taught batch (its images, the teacher's features and logits) spans several network buffers. Sent
                // as soon as it is written, not when the output flusher comes by (every 100 ms), the student has the
                // whole batch at once and hands its buffers back: with the flusher's timing the teacher waited for
                // free buffers 13 % of the time at p=1 while the student was idle. At a few dozen batches a second
                // flushing each one costs nothing.
                .setBufferTimeout(0);
        // Files the decoder refused, and images whose teacher outputs were not finite.
        decoded.getSideOutput(DecodeImages.DEAD_LETTERS).union(taught.getSideOutput(TeacherBatcher.DEAD_LETTERS))
                .map(new JsonLines.ToLine<DeadLetter>()).returns(Types.STRING).name("dead letter as JSON").uid("dead-letter-json")
                .sinkTo(JsonLines.sink(out.resolve(StreamOutputs.DEAD_LETTERS), StreamOutputs.prefix(StreamOutputs.DEAD_LETTERS, runId)))
                .name("dead letters").uid("dead-letters-sink");
        taught.getSideOutput(TeacherBatcher.LABELS)
                .sinkTo(JsonLines.sink(out.resolve(StreamOutputs.LABELS), StreamOutputs.prefix(StreamOutputs.LABELS, runId)))
                .name("labels").uid("labels-sink");

        if (config.distills()) {
            // global(): every batch to the one student, in its own task (thread) beside the teacher's.
            taught.global()
                    .transform("online distillation", TypeInformation.of(StudentVersion.class), new OnlineDistiller(
                            models.student().toString(), config.registryDir().toAbsolutePath().toString(), runId,
                            target, models.teacherSha(), models.teacherWidth(),
                            config.distillation(), pytorchThreads))
                    .setParallelism(1).setMaxParallelism(1).uid("online-distillation")
                    .map(new JsonLines.ToLine<StudentVersion>()).returns(Types.STRING).setParallelism(1).name("version as JSON").uid("version-json")
                    .sinkTo(JsonLines.sink(out.resolve(StreamOutputs.PUBLISHED), StreamOutputs.prefix(StreamOutputs.PUBLISHED, runId)))
                    .setParallelism(1).name("published versions").uid("published-sink");
        }
    }
}

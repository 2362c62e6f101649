package dev.imed.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Json;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.DomainExport;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.image.GuardedImageDecoder;
import dev.imed.core.transform.InputSpec;
import dev.imed.core.transform.Transform;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.Distiller;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.fusion.teacher.TeacherConfig;
import dev.imed.fusion.teacher.TeacherTrainer;
import dev.imed.streaming.RunningStream;
import dev.imed.streaming.StreamConfig;
import dev.imed.streaming.StreamJob;
import dev.imed.streaming.StreamOutputs;
import dev.imed.streaming.StreamSummary;
import dev.imed.streaming.StreamTap;
import dev.imed.streaming.cluster.SessionCluster;
import dev.imed.streaming.engine.TaskThreads;
import dev.imed.streaming.label.TeacherLabel;
import dev.imed.streaming.sink.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images per second of the stream job, in two modes; both alternate the configurations they compare
 * over the same files, after warm-ups, and report medians and ratios measured in the same run.
 *
 * <ul>
 *   <li>{@code embedded}: the job on a MiniCluster in this process against the same teacher in a plain
 *       batched loop over the same files (read, decode, preprocess, teacher, JSON line), at parallelism 1
 *       and 2, labelling only and with online distillation. Both rates count the images labelled after
 *       the first batch over the time from the first batch to the last, so neither pays for start-up.
 *       Headline: online distillation at p=1 against the plain loop.</li>
 *   <li>{@code cluster}: a session cluster of separate processes on loopback ({@link SessionCluster}: a
 *       JobManager and two TaskManagers of one slot each, PyTorch threads worked out from the cores), the
 *       labelling job submitted over REST at p=1 and at p=2; the rate is read from the labels written,
 *       over their middle {@value #STEADY_PERCENT} % (start-up and the ragged end left out). Headline:
 *       p=2 against p=1. The cluster is stopped at the end, on failure and on Ctrl-C.</li>
 * </ul>
 * <pre>
 * imed bench stream [--mode embedded|cluster|all] [--teacher DIR --student DIR] [--images 20000] [--batch-size 32] [--rounds 3] [--work DIR]
 * </pre>
 * Without {@code --teacher}/{@code --student} it trains throwaway ones first (speed does not depend
 * on how good they are).
 */
public final class StreamBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBenchmark.class);
    /** The share of the labels, by time, over which a cluster job's rate is measured: the middle. */
    static final int STEADY_PERCENT = 80;
    static final String PLAIN_LOOP = "plain loop";
    static final String P1_DISTILL = "job p=1 + online distillation";
    static final String CLUSTER_P1 = "cluster job p=1 (1 of 2 TaskManagers)";
    static final String CLUSTER_P2 = "cluster job p=2 (2 TaskManagers)";

    private StreamBenchmark() {}

    /** One measured configuration. */
    public record Result(String name, int parallelism, boolean distill, long images, double imagesPerSecond,
                         double wallSeconds) {}

    /** What to measure. */
    public enum Mode { EMBEDDED, CLUSTER, ALL }

    /**
     * Runs the benchmark and writes its tables and ratios to {@code out} ({@code imed bench stream} gives
     * standard output) and {@code bench.json} under the work directory; each run's result is logged as it ends.
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = options(args);
        Mode mode = Mode.valueOf(options.getOrDefault("mode", "embedded").toUpperCase(Locale.ROOT));
        int cores = Runtime.getRuntime().availableProcessors();
        // The embedded job runs up to two labelling tasks, each a model on its own thread: PyTorch's
        // threads are shared out so that threads × tasks ≤ cores (the plain loop gets the same number).
        // Must be set before anything loads the engine; a value the user gave wins.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(SessionCluster.pytorchThreadsPerTask(cores, 1, 2)));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Path work = Path.of(options.getOrDefault("work", "target/stream-bench")).toAbsolutePath();
        int images = Integer.parseInt(options.getOrDefault("images", "20000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "32"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        Files.createDirectories(work);
        Path teacher = options.containsKey("teacher") ? Path.of(options.get("teacher")) : null;
        Path student = options.containsKey("student") ? Path.of(options.get("student")) : null;
        if (teacher == null || student == null) {
            Path[] models = throwawayModels(work.resolve("models"));
            teacher = models[0];
            student = models[1];
        }
        Path input = work.resolve("input");
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        // More images than mnist5k has cycle through it again under new file names: a job's start-up (loading the
        // teacher, the JIT compiling the job's code) is then a small part of what is timed, as in a long-running stream.
        DomainExport.export(mnist.subset("bench", IntStream.range(0, images).map(i -> i % mnist.size()).toArray()), input);
        List<Path> files = files(input);
        out.printf(Locale.ROOT, "%d files, teacher %s, batch %d, %d cores, mode %s%n", files.size(), teacher, batch, cores,
                mode.name().toLowerCase(Locale.ROOT));

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("images", files.size());
        report.put("batch", batch);
        report.put("rounds", rounds);
        report.put("cores", cores);
        List<String> headlines = new ArrayList<>();
        if (mode != Mode.CLUSTER) {
            Map<String, List<Result>> embedded = embedded(teacher, student, input, files, batch, rounds, work);
            report.put("pytorchThreads", System.getProperty("ai.djl.pytorch.num_threads"));
            report.put("embedded", Map.of("medians", table(embedded, PLAIN_LOOP, out), "runs", embedded));
            headlines.add(headline("online distillation p=1 / plain loop", embedded.get(P1_DISTILL), embedded.get(PLAIN_LOOP), 0.9));
        }
        if (mode != Mode.EMBEDDED) {
            Map<String, List<Result>> cluster = clusterScaleOut(teacher, input, batch, rounds, work);
            report.put("cluster", Map.of("medians", table(cluster, CLUSTER_P1, out), "runs", cluster));
            headlines.add(headline("cluster scale-out p=2 / p=1", cluster.get(CLUSTER_P2), cluster.get(CLUSTER_P1), 1.6));
        }
        report.put("headlines", headlines);
        Json.writeFile(work.resolve("bench.json"), report);
        out.println();
        out.printf(Locale.ROOT, "=== ratios (medians of %d rounds, %d images, batch %d, %d cores; baselines measured in this run)%n",
                rounds, files.size(), batch, cores);
        headlines.forEach(out::println);
        out.println("written " + work.resolve("bench.json"));
    }

    /** The plain loop and the four job configurations on a MiniCluster, alternating, after warm-ups. */
    static Map<String, List<Result>> embedded(Path teacher, Path student, Path input, List<Path> files, int batch, int rounds,
                                              Path work) throws IOException {
        // Warm-ups, then rounds that alternate the plain loop and every job configuration, so that
        // load from other processes on the machine falls on all of them alike; medians are reported.
        plainLoop(teacher, files, batch, work.resolve("plain.jsonl"), PLAIN_LOOP + " (warm-up)");
        // The job's code paths warm up too, or the first round's job pays for the JIT alone: the
        // student's training path (autograd, optimiser, quality gate) as well as the labelling one.
        job(teacher, null, input, work.resolve("out-warm-up"), 1, batch, " (warm-up)");
        job(teacher, student, input, work.resolve("out-warm-up-distill"), 1, batch, " (warm-up)");
        Map<String, List<Result>> byName = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            List<Result> results = List.of(
                    plainLoop(teacher, files, batch, work.resolve("plain.jsonl"), PLAIN_LOOP),
                    job(teacher, null, input, work.resolve("out-p1"), 1, batch),
                    job(teacher, student, input, work.resolve("out-p1-distill"), 1, batch),
                    job(teacher, null, input, work.resolve("out-p2"), 2, batch),
                    job(teacher, student, input, work.resolve("out-p2-distill"), 2, batch));
            for (Result r : results) {
                byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
            }
        }
        return byName;
    }

    /**
     * The labelling job on a session cluster of two one-slot TaskManagers (separate JVMs) at p=1 and
     * p=2, alternating. The cluster is this run's own, on loopback, and is stopped whatever happens.
     */
    static Map<String, List<Result>> clusterScaleOut(Path teacher, Path input, int batch, int rounds, Path work) {
        Path dir = work.resolve("cluster");
        LOG.info("starting a session cluster in {} (a JobManager, 2 TaskManagers × 1 slot)", dir);
        SessionCluster cluster = SessionCluster.start(new SessionCluster.Spec(dir, 2, 1, 0, System.getProperty("java.class.path")),
                Duration.ofSeconds(300));
        // Ctrl-C (or SIGTERM) must not leave three JVMs behind.
        Thread stopOnExit = new Thread(() -> cluster.stop(Duration.ofSeconds(10)), "stop bench cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            LOG.info("cluster up at {}, {} PyTorch thread(s) per task", cluster.address(), cluster.pytorchThreads());
            // One warm-up at p=2 loads PyTorch and warms the JIT in both TaskManagers; a p=1 job runs in either.
            clusterJob(cluster, teacher, input, work.resolve("cluster-out-warm-up"), 2, batch, " (warm-up)");
            Map<String, List<Result>> byName = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Result r : List.of(clusterJob(cluster, teacher, input, work.resolve("cluster-out-p1"), 1, batch, ""),
                        clusterJob(cluster, teacher, input, work.resolve("cluster-out-p2"), 2, batch, ""))) {
                    byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
                }
            }
            return byName;
        } finally {
            cluster.stop(Duration.ofSeconds(30));
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook stops the cluster.
            }
            LOG.info("cluster stopped");
        }
    }

    /** Submits the labelling job at parallelism {@code p} (as many file readers, so it takes exactly p slots) and waits for it. */
    static Result clusterJob(SessionCluster cluster, Path teacher, Path input, Path out, int parallelism, int batch, String suffix) {
        StreamConfig config = StreamConfig.defaults(teacher, null, input, out).withParallelism(parallelism)
                .withFileReaders(parallelism).withBatch(batch, 200);
        StreamSummary summary;
        try (RunningStream running = StreamJob.submit(config, cluster.address(), List.of(), StreamTap.NONE)) {
            summary = running.await();
        }
        List<Long> labelledAt = new StreamOutputs(out).labels(summary.runId()).stream().map(TeacherLabel::labelledAt).toList();
        Result result = new Result((parallelism == 1 ? CLUSTER_P1 : CLUSTER_P2) + suffix, parallelism, false, summary.labelled(),
                steadyRate(labelledAt), summary.seconds());
        LOG.info("{}", result);
        return result;
    }

    /**
     * Images per second over the middle {@link #STEADY_PERCENT} % of the labels by time: a job's first
     * batches wait for its tasks to load the teacher (at p=2 one TaskManager may start later than the
     * other) and its last ones for the slowest split, neither of which is the rate it labels at.
     */
    static double steadyRate(List<Long> labelledAtMillis) {
        long[] times = labelledAtMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        int trim = times.length * (100 - STEADY_PERCENT) / 200;
        int from = trim;
        int to = times.length - 1 - trim;
        if (to <= from || times[to] <= times[from]) {
            return 0;
        }
        // The labels strictly after the window's first instant, over the window's span.
        int after = 0;
        for (int i = from; i <= to; i++) {
            if (times[i] > times[from]) {
                after++;
            }
        }
        return after * 1000.0 / (times[to] - times[from]);
    }

    /** Prints the medians of every configuration against {@code baseline}'s, and returns them. */
    private static Map<String, Object> table(Map<String, List<Result>> byName, String baseline, PrintStream out) {
        double base = median(byName.get(baseline), Result::imagesPerSecond);
        out.println();
        out.printf(Locale.ROOT, "%-40s %10s %10s %9s   %s%n", "run (median)", "images/s", "× base", "wall s", "images/s per round");
        Map<String, Object> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> e : byName.entrySet()) {
            double rate = median(e.getValue(), Result::imagesPerSecond);
            double wall = median(e.getValue(), Result::wallSeconds);
            out.printf(Locale.ROOT, "%-40s %10.1f %10.2f %9.1f   %s%n", e.getKey(), rate, rate / base, wall,
                    e.getValue().stream().map(r -> String.format(Locale.ROOT, "%.0f", r.imagesPerSecond())).toList());
            medians.put(e.getKey(), Map.of("imagesPerSecond", rate, "ratioToBaseline", rate / base, "wallSeconds", wall));
        }
        out.println("(× base: against " + baseline + ")");
        return medians;
    }

    /** One line: the ratio of the medians, the per-round ratios, and the target. */
    private static String headline(String what, List<Result> measured, List<Result> baseline, double target) {
        double ratio = median(measured, Result::imagesPerSecond) / median(baseline, Result::imagesPerSecond);
        List<String> perRound = IntStream.range(0, Math.min(measured.size(), baseline.size()))
                .mapToObj(i -> String.format(Locale.ROOT, "%.2f", measured.get(i).imagesPerSecond() / baseline.get(i).imagesPerSecond()))
                .toList();
        return String.format(Locale.ROOT, "%-40s = %.2f×  (%.1f / %.1f images/s; per round %s; target ≥ %.1f×)", what, ratio,
                median(measured, Result::imagesPerSecond), median(baseline, Result::imagesPerSecond), perRound, target);
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> value) {
        double[] values = results.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** The same work as the job's labelling path, in one thread, without Flink. */
    static Result plainLoop(Path teacherDir, List<Path> files, int batch, Path out, String name) throws IOException {
        TaskThreads.disableGradients();
        GuardedImageDecoder decoder = new GuardedImageDecoder(40_000_000L);
        long began = System.nanoTime();
        long first = 0;
        long last = 0;
        long afterFirst = 0;
        try (Teacher teacher = Teacher.load(teacherDir); BufferedWriter writer = Files.newBufferedWriter(out)) {
            InputSpec spec = teacher.inputSpec();
            List<Transform> steps = spec.evalTransforms();
            Random random = new Random(0);
            List<String> classes = teacher.classNames();
            String sha = teacher.bundle().sha256();
            int pixels = spec.pixelsPerImage();
            for (int from = 0; from < files.size(); from += batch) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + batch));
                float[] data = new float[chunk.size() * pixels];
                List<String> paths = new ArrayList<>();
                for (Path file : chunk) {
                    GuardedImageDecoder.Result decoded = decoder.decode(Files.readAllBytes(file));
                    if (decoded instanceof GuardedImageDecoder.Decoded d) {
                        spec.toTensor(d.image(), steps, random, data, paths.size() * pixels);
                        paths.add(file.toString());
                    }
                }
                float[] logits;
                try (NDManager step = teacher.manager().newSubManager()) {
                    NDArray x = step.create(java.util.Arrays.copyOf(data, paths.size() * pixels),
                            new Shape(paths.size(), spec.channels(), spec.height(), spec.width()));
                    logits = teacher.featuresAndLogits(x).get(1).toFloatArray();
                }
                int c = classes.size();
                for (int i = 0; i < paths.size(); i++) {
                    int best = 0;
                    for (int k = 1; k < c; k++) {
                        if (logits[i * c + k] > logits[i * c + best]) {
                            best = k;
                        }
                    }
                    writer.write(JsonLines.write(Map.of("path", paths.get(i), "label", classes.get(best), "teacher", sha)));
                    writer.newLine();
                }
                long now = System.nanoTime();
                if (from == 0) {
                    first = now;
                } else {
                    afterFirst += paths.size();
                }
                last = now;
            }
        }
        double rate = last > first ? afterFirst / ((last - first) / 1e9) : 0;
        Result result = new Result(name, 1, false, files.size(), rate, (System.nanoTime() - began) / 1e9);
        LOG.info("{}", result);
        return result;
    }

    static Result job(Path teacher, Path student, Path input, Path out, int parallelism, int batch) {
        return job(teacher, student, input, out, parallelism, batch, "");
    }

    static Result job(Path teacher, Path student, Path input, Path out, int parallelism, int batch, String suffix) {
        StreamConfig config = StreamConfig.defaults(teacher, student, input, out).withParallelism(parallelism).withBatch(batch, 200);
        StreamSummary summary = StreamJob.run(config);
        Result result = new Result("job p=" + parallelism + (student != null ? " + online distillation" : ", labels only") + suffix,
                parallelism, student != null, summary.labelled(), summary.labellingImagesPerSecond(), summary.seconds());
        LOG.info("{}", result);
        return result;
    }

    /** Quickly trained models: the speed of a network does not depend on its accuracy. */
    static Path[] throwawayModels(Path dir) {
        Path teacher = dir.resolve("teacher");
        Path student = dir.resolve("student");
        if (Files.isRegularFile(teacher.resolve("manifest.json")) && Files.isRegularFile(student.resolve("manifest.json"))) {
            return new Path[] {teacher, student};
        }
        InMemoryDomain source = DigitDomains.open("syn:500:0");
        InMemoryDomain target = DigitDomains.open("mnist5k").subset("mnist-500", IntStream.range(0, 500).map(i -> i * 10).toArray());
        List<Path> components = new ArrayList<>();
        for (String method : List.of("mcc", "cdan", "source-only")) {
            components.add(ComponentTrainer.train(ComponentConfig.digits(method, "syn", "mnist5k").withIterations(20)
                    .withCheckpointEvery(0), source, target, dir.resolve(method)).dir());
        }
        TeacherTrainer.train(TeacherConfig.defaults(components, "syn", "mnist5k").withFusion(FusionKind.AVERAGE), source, target, teacher);
        Distiller.train(DistillConfig.digits(null, "syn", "mnist5k").withIterations(20), source, target, student);
        return new Path[] {teacher, student};
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: StreamBenchmark [--mode embedded|cluster|all] [--teacher DIR --student DIR] [--images N] [--batch B] [--rounds R] [--work DIR]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}

package dev.imed.streaming.bench;

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
import dev.imed.streaming.StreamConfig;
import dev.imed.streaming.StreamJob;
import dev.imed.streaming.StreamSummary;
import dev.imed.streaming.engine.TaskThreads;
import dev.imed.streaming.sink.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Images per second of the stream job against the same teacher in a plain batched loop over the same
 * files, in the same process: read, decode, preprocess, teacher, JSON line. Both rates count the
 * images labelled after the first batch over the time from the first batch to the last, so neither
 * pays for start-up. Run with one PyTorch thread per task ({@code -Dai.djl.pytorch.num_threads=1}):
 * <pre>
 * mvn -B -o -q -pl streaming -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
 *     -cp streaming/target/classes:$(cat streaming/target/cp.txt) dev.imed.streaming.bench.StreamBenchmark \
 *     [--teacher DIR --student DIR] [--images 3000] [--batch 32] [--rounds 3] [--work DIR]
 * </pre>
 * Without {@code --teacher}/{@code --student} it trains throwaway ones first (speed does not depend
 * on how good they are).
 */
public final class StreamBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBenchmark.class);
    private StreamBenchmark() {}

    /** One measured configuration. */
    public record Result(String name, int parallelism, boolean distill, long images, double imagesPerSecond,
                         double wallSeconds) {}

    /**
     * Runs the benchmark and writes its table to {@code report} ({@code imed bench stream} gives standard
     * output) and {@code bench.json} under the work directory; each configuration's result is logged as it ends.
     */
    public static void run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = options(args);
        Path work = Path.of(options.getOrDefault("work", "target/stream-bench")).toAbsolutePath();
        int images = Integer.parseInt(options.getOrDefault("images", "3000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "32"));
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
        DomainExport.export(mnist.subset("bench", IntStream.range(0, Math.min(images, mnist.size())).toArray()), input);
        List<Path> files = files(input);
        out.printf(Locale.ROOT, "%d files, teacher %s, batch %d%n", files.size(), teacher, batch);

        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        // Warm-ups, then rounds that alternate the plain loop and every job configuration, so that
        // load from other processes on the machine falls on all of them alike; medians are reported.
        plainLoop(teacher, files, batch, work.resolve("plain.jsonl"), "plain loop (warm-up)");
        // The job's code paths warm up too, or the first round's job pays for the JIT alone.
        job(teacher, null, input, work.resolve("out-warm-up"), 1, batch, " (warm-up)");
        Map<String, List<Result>> byName = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            List<Result> results = List.of(
                    plainLoop(teacher, files, batch, work.resolve("plain.jsonl"), "plain loop"),
                    job(teacher, null, input, work.resolve("out-p1"), 1, batch),
                    job(teacher, student, input, work.resolve("out-p1-distill"), 1, batch),
                    job(teacher, null, input, work.resolve("out-p2"), 2, batch),
                    job(teacher, student, input, work.resolve("out-p2-distill"), 2, batch));
            for (Result r : results) {
                byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
            }
        }

        double plain = median(byName.get("plain loop"), Result::imagesPerSecond);
        out.println();
        out.printf(Locale.ROOT, "median of %d rounds, %d images, batch %d, %d cores%n", rounds, files.size(), batch,
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-34s %10s %8s %9s   %s%n", "run", "images/s", "× plain", "wall s", "images/s per round");
        Map<String, Object> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> e : byName.entrySet()) {
            double rate = median(e.getValue(), Result::imagesPerSecond);
            double wall = median(e.getValue(), Result::wallSeconds);
            out.printf(Locale.ROOT, "%-34s %10.1f %8.2f %9.1f   %s%n", e.getKey(), rate, rate / plain, wall,
                    e.getValue().stream().map(r -> String.format(Locale.ROOT, "%.0f", r.imagesPerSecond())).toList());
            medians.put(e.getKey(), Map.of("imagesPerSecond", rate, "ratioToPlainLoop", rate / plain, "wallSeconds", wall));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("images", files.size());
        report.put("batch", batch);
        report.put("rounds", rounds);
        report.put("pytorchThreads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("medians", medians);
        report.put("runs", byName);
        Json.writeFile(work.resolve("bench.json"), report);
        out.println("written " + work.resolve("bench.json"));
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
                throw new IllegalArgumentException("usage: StreamBenchmark [--teacher DIR --student DIR] [--images N] [--batch B] [--rounds R] [--work DIR]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}

package dev.imed.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.InferenceServer;
import dev.imed.deploy.ServeConfig;
import dev.imed.deploy.metrics.ServeMetrics;
import dev.imed.experiments.bench.ChildProcess;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what serving costs and what batching buys, for a digits student:
 * <ol>
 *   <li>the raw in-process forward pass (p50) of one preprocessed image, the floor for any server, and
 *       per image in a batch of 16, the most batching can save;</li>
 *   <li>the floor of an HTTP round trip on this machine: {@code GET /v2/health/live} at concurrency 1;</li>
 *   <li>at concurrency 1, the p50 of {@code /v1/predict}, the time the server itself reports, and the
 *       <b>overhead</b>: the p50 of {@code /v1/predict} minus the p50 of (1), both with one image.
 *       (1), (2) and (3) are taken one after the other in each of {@code ROUNDS} rounds, so that a change
 *       in the machine's load affects a round's figures alike; the overhead reported is the median of
 *       the rounds' overheads;</li>
 *   <li>at concurrency 16, throughput with dynamic batching (maxBatch 32) and without (maxBatch 1), in
 *       alternating rounds (the order swapped each round); the <b>batching speed-up</b> reported is
 *       the median of the rounds' ratios.</li>
 * </ol>
 * Every figure is printed as "median (min–max)" over the rounds; the last lines, {@code OVERHEAD} and
 * {@code BATCHING}, are the two the serving targets are about.
 * Both servers run in this JVM, with the same student, images and request mix. The client is
 * {@link LoadGenerator} in a second JVM on the same classpath, over loopback only; request counts and
 * time are bounded. Not a test: run it with
 * <pre>
 * imed bench serve [--requests 6000] [--rounds 5]
 * </pre>
 */
public final class ServeBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ServeBenchmark.class);
    private static final int CONCURRENCY = 16;
    private static final int MAX_SECONDS = 120;
    private static final int DEFAULT_ROUNDS = 5;

    private ServeBenchmark() {}

    /**
     * Runs the benchmark and writes its report to {@code report} (the caller's choice: {@code imed bench serve}
     * gives standard output); each round's figures are logged as it ends. Returns the number of failed requests.
     */
    public static int run(String[] args, PrintStream report) throws Exception {
        // One intra-op thread: on a small machine shared with the HTTP threads and the client, PyTorch's
        // second OpenMP thread mostly waits at barriers for a core (p50 of a forward pass: ~1 ms → 100+ ms).
        // The same setting applies to the raw baseline and to the server. Override with -D to compare.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ROUNDS;
        if (requests < 1 || rounds < 1) {
            throw new IllegalArgumentException("REQUESTS and ROUNDS must be positive, got " + requests + " and " + rounds);
        }
        Path registryDir = Files.createTempDirectory("imed-serve-bench");
        try {
            publishStudent(registryDir);
            Path bundle = new StudentRegistry(registryDir).latest().orElseThrow();
            int errors = 0;
            List<double[]> latencyRounds = new ArrayList<>();
            List<double[]> perRound = new ArrayList<>();
            double rawPerImage16;
            try (RawForward raw = new RawForward(bundle);
                 InferenceServer batchedServer = InferenceServer.start(config(registryDir, 32, 2));
                 InferenceServer unbatchedServer = InferenceServer.start(config(registryDir, 1, 0))) {
                rawPerImage16 = raw.p50Ms(16, 400) / 16;
                // Concurrency 1, in rounds: the raw forward, the HTTP floor and /v1/predict one after the other,
                // so that each round's overhead compares figures taken under the same load on the machine.
                int singleRequests = Math.max(200, requests / 10);
                // Unmeasured first, as at concurrency 16: the first measured round was otherwise always the
                // slowest (JIT compilation of the request path still under way), in the old build and the new.
                LOG.info("warm-up round at concurrency 1, not measured:");
                raw.p50Ms(1, 1000);
                errors += runClient(batchedServer, 1, singleRequests, 100, "live").errors();
                errors += load(batchedServer, 1, singleRequests, 100).errors();
                for (int round = 0; round < rounds; round++) {
                    double rawP50 = raw.p50Ms(1, 1000);
                    LoadGenerator.Result floor = runClient(batchedServer, 1, singleRequests, 100, "live");
                    double[] before = serverTotals(batchedServer);
                    LoadGenerator.Result single = load(batchedServer, 1, singleRequests, 100);
                    double[] after = serverTotals(batchedServer);
                    double forwardMeanMs = 1000 * (after[2] - before[2]) / Math.max(1, after[1] - before[1]);
                    errors += floor.errors() + single.errors();
                    latencyRounds.add(new double[] {rawP50, floor.p50Ms(), single.p50Ms(), single.serverP50Ms(),
                            single.p50Ms() - rawP50, forwardMeanMs, single.p90Ms(), single.p99Ms()});
                    LOG.info(String.format(Locale.ROOT, "round %d, concurrency 1: raw forward p50 %.3f ms, HTTP floor p50 %.3f ms, "
                                    + "/v1/predict p50 %.3f ms: overhead %.3f ms",
                            round + 1, rawP50, floor.p50Ms(), single.p50Ms(), single.p50Ms() - rawP50));
                }
                // An unmeasured round at concurrency 16 on each server first: the first measured round was
                // otherwise always the slowest batched one (1.4× against 2.3–2.7× in the later rounds).
                LOG.info("warm-up round, not measured:");
                errors += load(batchedServer, CONCURRENCY, requests / 2, 300).errors();
                errors += load(unbatchedServer, CONCURRENCY, requests / 2, 300).errors();
                for (int round = 0; round < rounds; round++) {
                    LoadGenerator.Result batched;
                    LoadGenerator.Result unbatched;
                    if (round % 2 == 0) {
                        batched = load(batchedServer, CONCURRENCY, requests, 300);
                        unbatched = load(unbatchedServer, CONCURRENCY, requests, 300);
                    } else {
                        unbatched = load(unbatchedServer, CONCURRENCY, requests, 300);
                        batched = load(batchedServer, CONCURRENCY, requests, 300);
                    }
                    errors += batched.errors() + unbatched.errors();
                    perRound.add(new double[] {batched.throughput(), unbatched.throughput(), batched.p50Ms(), unbatched.p50Ms(),
                            batched.throughput() / unbatched.throughput()});
                    LOG.info("round {}: batching speed-up {}×", round + 1,
                            String.format(Locale.ROOT, "%.2f", batched.throughput() / unbatched.throughput()));
                }
            }

            report.println();
            report.println("imed serve benchmark: student-cnn digits student, 28×28 PNG bodies, loopback, "
                    + Runtime.getRuntime().availableProcessors() + " cores shared by server and client, PyTorch intra-op threads "
                    + System.getProperty("ai.djl.pytorch.num_threads") + "; medians (and ranges) over " + rounds + " rounds");
            report.printf(Locale.ROOT, "raw in-process forward, 1 image:   p50 %s ms (in a batch of 16: %.3f ms per image)%n",
                    median(latencyRounds, 0, "%.3f"), rawPerImage16);
            report.printf(Locale.ROOT, "HTTP floor, GET /v2/health/live:   p50 %s ms%n", median(latencyRounds, 1, "%.3f"));
            report.printf(Locale.ROOT, "HTTP /v1/predict, concurrency 1:   p50 %s ms  p90 %s ms  p99 %s ms%n",
                    median(latencyRounds, 2, "%.3f"), median(latencyRounds, 6, "%.2f"), median(latencyRounds, 7, "%.2f"));
            report.printf(Locale.ROOT, "  of which in the server:          p50 %s ms (forward pass mean %s ms)%n",
                    median(latencyRounds, 3, "%.3f"), median(latencyRounds, 5, "%.3f"));
            report.printf(Locale.ROOT, "concurrency %d, maxBatch 32:       %s req/s  p50 %s ms%n", CONCURRENCY,
                    median(perRound, 0, "%.0f"), median(perRound, 2, "%.1f"));
            report.printf(Locale.ROOT, "concurrency %d, maxBatch 1:        %s req/s  p50 %s ms%n", CONCURRENCY,
                    median(perRound, 1, "%.0f"), median(perRound, 3, "%.1f"));
            report.println();
            report.printf(Locale.ROOT, "OVERHEAD at concurrency 1 (p50 /v1/predict − p50 raw forward, 1 image): %s ms%n",
                    median(latencyRounds, 4, "%.3f"));
            report.printf(Locale.ROOT, "BATCHING speed-up at concurrency %d (req/s, maxBatch 32 over maxBatch 1): %s×%n",
                    CONCURRENCY, median(perRound, 4, "%.2f"));
            report.println("errors: " + errors);
            return errors;
        } finally {
            deleteTree(registryDir);
        }
    }

    /** "median (min–max)" of one column over the rounds. */
    private static String median(List<double[]> rounds, int column, String format) {
        double[] values = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
        double median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median, values[0], values[values.length - 1]);
    }

    private static ServeConfig config(Path registryDir, int maxBatch, long maxDelayMs) {
        return ServeConfig.defaults(registryDir).withPort(0).withBatching(maxBatch, maxDelayMs).withPollMs(60_000);
    }

    private static void publishStudent(Path registryDir) {
        Manifest manifest = new Manifest(Manifest.FORMAT, "student", "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            new StudentRegistry(registryDir).publish(manifest, net);
        }
    }

    /** The student in this JVM, without a server: what a forward pass costs on its own. */
    private static final class RawForward implements AutoCloseable {
        private final Student student;
        private final float[] images;

        RawForward(Path bundle) {
            student = Student.load(bundle);
            InputSpec spec = student.inputSpec();
            images = new float[16 * spec.pixelsPerImage()];
            var mnist = DigitDomains.open("mnist5k");
            for (int i = 0; i < 16; i++) {
                spec.toTensor(mnist.load(i), spec.evalTransforms(), new Random(0), images, i * spec.pixelsPerImage());
            }
        }

        /**
         * The p50 of {@code iterations} forward passes of {@code batch} images (after a quarter as many
         * unmeasured ones), input creation and output read-back included, as the server's batcher does them.
         */
        double p50Ms(int batch, int iterations) {
            InputSpec spec = student.inputSpec();
            float[] input = Arrays.copyOf(images, batch * spec.pixelsPerImage());
            long[] times = new long[iterations];
            for (int i = -iterations / 4; i < iterations; i++) {
                long start = System.nanoTime();
                try (NDManager scratch = student.manager().newSubManager()) {
                    NDArray x = scratch.create(input, new Shape(batch, spec.channels(), spec.height(), spec.width()));
                    student.logits(x).toFloatArray();
                }
                if (i >= 0) {
                    times[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(times);
            return LoadGenerator.percentile(times, 0.5);
        }

        @Override
        public void close() {
            student.close();
        }
    }

    /**
     * The server's (images, forward passes, forward seconds) so far, read from its Micrometer registry
     * (the server runs in this JVM) rather than parsed out of the Prometheus text of {@code /metrics}.
     */
    private static double[] serverTotals(InferenceServer server) {
        MeterRegistry meters = server.meters();
        DistributionSummary images = meters.get(ServeMetrics.BATCH_IMAGES).summary();
        Timer forward = meters.get(ServeMetrics.BATCH_FORWARD).timer();
        return new double[] {images.totalAmount(), images.count(), forward.totalTime(TimeUnit.SECONDS)};
    }

    private static LoadGenerator.Result load(InferenceServer server, int concurrency, int requests, int warmup)
            throws IOException, InterruptedException {
        double[] before = serverTotals(server);
        LoadGenerator.Result result = runClient(server, concurrency, requests, warmup, "predict");
        double[] after = serverTotals(server);
        LOG.info(String.format(Locale.ROOT, "concurrency %d, maxBatch %d: %s (mean batch %.1f images)", concurrency,
                server.config().maxBatch(), result.line(), (after[0] - before[0]) / Math.max(1, after[1] - before[1])));
        return result;
    }

    private static LoadGenerator.Result runClient(InferenceServer server, int concurrency, int requests, int warmup, String target)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                server.url().toString(), Integer.toString(concurrency), Integer.toString(requests),
                Integer.toString(warmup), Integer.toString(MAX_SECONDS), target));
        ChildProcess.Output out = ChildProcess.run(command, "RESULT ", false, line -> { }, Duration.ofSeconds(MAX_SECONDS + 60));
        if (!out.succeeded() || out.results().isEmpty()) {
            throw new IllegalStateException("the load generator failed with exit code " + out.exitCode());
        }
        String resultLine = out.results().get(out.results().size() - 1);
        return LoadGenerator.Result.parse(resultLine);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

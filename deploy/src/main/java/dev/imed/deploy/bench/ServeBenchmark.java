package dev.imed.deploy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.InferenceServer;
import dev.imed.deploy.ServeConfig;
import dev.imed.distill.registry.StudentRegistry;
import dev.imed.distill.student.Student;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *       overhead over (1);</li>
 *   <li>at concurrency 16, throughput with dynamic batching (maxBatch 32) and without (maxBatch 1), in
 *       alternating rounds (the order swapped each round) so that a change in the machine's load
 *       affects both alike; each round's ratio is reported, then their range.</li>
 * </ol>
 * Both servers run in this JVM, with the same student, images and request mix. The client is
 * {@link LoadGenerator} in a second JVM on the same classpath, over loopback only; request counts and
 * time are bounded. Not a test: run it by hand, e.g.
 * <pre>
 * mvn -B -o -q -pl deploy -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -XX:MaxDirectMemorySize=256m -Djava.awt.headless=true \
 *   -cp deploy/target/classes:$(cat deploy/target/classpath.txt) \
 *   dev.imed.deploy.bench.ServeBenchmark [REQUESTS [ROUNDS]]
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
            double rawP50 = rawForwardP50Ms(bundle, 1);
            double rawPerImage16 = rawForwardP50Ms(bundle, 16) / 16;

            int errors = 0;
            List<double[]> perRound = new ArrayList<>();
            LoadGenerator.Result floor;
            LoadGenerator.Result single;
            double singleForwardMs;
            try (InferenceServer batchedServer = InferenceServer.start(config(registryDir, 32, 2));
                 InferenceServer unbatchedServer = InferenceServer.start(config(registryDir, 1, 0))) {
                int singleRequests = Math.max(300, requests / 6);
                floor = runClient(batchedServer, 1, singleRequests, 200, "live");
                LOG.info("HTTP floor, GET /v2/health/live: {}", floor.line());
                double[] before = serverTotals(batchedServer);
                single = load(batchedServer, 1, singleRequests, 200);
                double[] after = serverTotals(batchedServer);
                singleForwardMs = 1000 * (after[2] - before[2]) / Math.max(1, after[1] - before[1]);
                errors += floor.errors() + single.errors();
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
                    perRound.add(new double[] {batched.throughput(), unbatched.throughput(), batched.p50Ms(), unbatched.p50Ms()});
                    LOG.info("round {}: batching speed-up {}×", round + 1,
                            String.format(Locale.ROOT, "%.2f", batched.throughput() / unbatched.throughput()));
                }
            }

            report.println();
            report.println("imed serve benchmark: student-cnn digits student, 28×28 PNG bodies, loopback, "
                    + Runtime.getRuntime().availableProcessors() + " cores shared by server and client, PyTorch intra-op threads "
                    + System.getProperty("ai.djl.pytorch.num_threads"));
            report.printf(Locale.ROOT, "raw in-process forward, 1 image:   p50 %.3f ms (in a batch of 16: %.3f ms per image)%n",
                    rawP50, rawPerImage16);
            report.printf(Locale.ROOT, "HTTP floor, GET /v2/health/live:   p50 %.3f ms%n", floor.p50Ms());
            report.printf(Locale.ROOT, "HTTP /v1/predict, concurrency 1:   p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  (%d requests, %d errors)%n",
                    single.p50Ms(), single.p90Ms(), single.p99Ms(), single.requests(), single.errors());
            report.printf(Locale.ROOT, "  of which in the server:          p50 %.3f ms (forward pass mean %.3f ms)%n",
                    single.serverP50Ms(), singleForwardMs);
            report.printf(Locale.ROOT, "serving overhead at concurrency 1: %.3f ms over the raw forward pass%n", single.p50Ms() - rawP50);
            double[] ratios = perRound.stream().mapToDouble(r -> r[0] / r[1]).sorted().toArray();
            report.printf(Locale.ROOT, "concurrency %d, maxBatch 32:       %s req/s  p50 %s ms%n", CONCURRENCY,
                    range(perRound, 0, "%.0f"), range(perRound, 2, "%.1f"));
            report.printf(Locale.ROOT, "concurrency %d, maxBatch 1:        %s req/s  p50 %s ms%n", CONCURRENCY,
                    range(perRound, 1, "%.0f"), range(perRound, 3, "%.1f"));
            report.printf(Locale.ROOT, "batching speed-up:                 median %.2f× over %d rounds (%.2f–%.2f×)%n",
                    ratios[ratios.length / 2], ratios.length, ratios[0], ratios[ratios.length - 1]);
            report.println("errors: " + errors);
            return errors;
        } finally {
            deleteTree(registryDir);
        }
    }

    private static String range(List<double[]> rounds, int column, String format) {
        double min = rounds.stream().mapToDouble(r -> r[column]).min().orElse(Double.NaN);
        double max = rounds.stream().mapToDouble(r -> r[column]).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, format + "–" + format, min, max);
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

    /** The p50 of a forward pass of {@code batch} images, input creation and output read-back included, in this JVM. */
    private static double rawForwardP50Ms(Path bundle, int batch) {
        try (Student student = Student.load(bundle)) {
            InputSpec spec = student.inputSpec();
            float[] input = new float[batch * spec.pixelsPerImage()];
            for (int i = 0; i < batch; i++) {
                spec.toTensor(DigitDomains.open("mnist5k").load(i), spec.evalTransforms(), new Random(0), input, i * spec.pixelsPerImage());
            }
            long[] times = new long[batch == 1 ? 2000 : 400];
            for (int i = -times.length / 4; i < times.length; i++) {
                long start = System.nanoTime();
                try (NDManager scratch = student.manager().newSubManager()) {
                    NDArray x = scratch.create(input, new Shape(batch, 3, spec.height(), spec.width()));
                    student.logits(x).toFloatArray();
                }
                if (i >= 0) {
                    times[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(times);
            return LoadGenerator.percentile(times, 0.5);
        }
    }

    /** The server's (images, forward passes, forward seconds) so far, from its own /metrics. */
    private static double[] serverTotals(InferenceServer server) throws IOException, InterruptedException {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String metrics = client.send(java.net.http.HttpRequest.newBuilder(server.url().resolve("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double[] totals = new double[3];
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("imed_batch_images_sum ")) {
                totals[0] = value(line);
            } else if (line.startsWith("imed_batch_images_count ")) {
                totals[1] = value(line);
            } else if (line.startsWith("imed_batch_forward_seconds_sum ")) {
                totals[2] = value(line);
            }
        }
        return totals;
    }

    private static double value(String metricLine) {
        return Double.parseDouble(metricLine.substring(metricLine.lastIndexOf(' ') + 1));
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
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String resultLine = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RESULT ")) {
                    resultLine = line;
                }
            }
        }
        if (!process.waitFor(MAX_SECONDS + 60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the load generator did not finish");
        }
        if (process.exitValue() != 0 || resultLine == null) {
            throw new IllegalStateException("the load generator failed with exit code " + process.exitValue());
        }
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

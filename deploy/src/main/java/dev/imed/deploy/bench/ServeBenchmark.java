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

/**
 * Measures what serving costs and what batching buys, for a digits student:
 * <ol>
 *   <li>the raw in-process forward pass of one preprocessed image (p50), the floor for any server;</li>
 *   <li>at concurrency 1, the p50 of {@code /v1/predict} from a client JVM, and the overhead over (1);</li>
 *   <li>at concurrency 16, throughput with dynamic batching (maxBatch 32) and without (maxBatch 1).</li>
 * </ol>
 * The client is {@link LoadGenerator} in a second JVM on the same classpath, over loopback only; request
 * counts and time are bounded. Not a test: run it by hand, e.g.
 * <pre>
 * mvn -B -o -q -pl deploy -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -XX:MaxDirectMemorySize=256m -Djava.awt.headless=true \
 *   -cp deploy/target/classes:$(cat deploy/target/classpath.txt) \
 *   dev.imed.deploy.bench.ServeBenchmark [REQUESTS]
 * </pre>
 */
public final class ServeBenchmark {
    private static final int CONCURRENCY = 16;
    private static final int MAX_SECONDS = 120;

    private ServeBenchmark() {}

    public static void main(String[] args) throws Exception {
        // One intra-op thread: on a small machine shared with the HTTP threads and the client, PyTorch's
        // second OpenMP thread mostly waits at barriers for a core (p50 of a forward pass: ~1 ms → 100+ ms).
        // The same setting applies to the raw baseline and to the server. Override with -D to compare.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path registryDir = Files.createTempDirectory("imed-serve-bench");
        try {
            publishStudent(registryDir);
            Path bundle = new StudentRegistry(registryDir).latest().orElseThrow();
            double rawP50 = rawForwardP50Ms(bundle);

            LoadGenerator.Result single;
            LoadGenerator.Result batched;
            try (InferenceServer server = InferenceServer.start(config(registryDir, 32, 2))) {
                single = load(server, 1, Math.max(200, requests / 6), 100);
                batched = load(server, CONCURRENCY, requests, 300);
            }
            LoadGenerator.Result unbatched;
            try (InferenceServer server = InferenceServer.start(config(registryDir, 1, 0))) {
                unbatched = load(server, CONCURRENCY, requests, 300);
            }

            System.out.println();
            System.out.println("imed serve benchmark: student-cnn digits student, 28×28 PNG bodies, loopback, "
                    + Runtime.getRuntime().availableProcessors() + " cores shared by server and client, PyTorch intra-op threads "
                    + System.getProperty("ai.djl.pytorch.num_threads"));
            System.out.printf(Locale.ROOT, "raw in-process forward, 1 image:   p50 %.3f ms%n", rawP50);
            System.out.printf(Locale.ROOT, "HTTP /v1/predict, concurrency 1:   p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  (%d requests, %d errors)%n",
                    single.p50Ms(), single.p90Ms(), single.p99Ms(), single.requests(), single.errors());
            System.out.printf(Locale.ROOT, "serving overhead at concurrency 1: %.3f ms over the raw forward pass%n", single.p50Ms() - rawP50);
            System.out.printf(Locale.ROOT, "concurrency %d, maxBatch 32:       %.1f req/s  p50 %.3f ms  p99 %.3f ms  (%d requests, %d errors)%n",
                    CONCURRENCY, batched.throughput(), batched.p50Ms(), batched.p99Ms(), batched.requests(), batched.errors());
            System.out.printf(Locale.ROOT, "concurrency %d, maxBatch 1:        %.1f req/s  p50 %.3f ms  p99 %.3f ms  (%d requests, %d errors)%n",
                    CONCURRENCY, unbatched.throughput(), unbatched.p50Ms(), unbatched.p99Ms(), unbatched.requests(), unbatched.errors());
            System.out.printf(Locale.ROOT, "batching speed-up:                 %.2f×%n", batched.throughput() / unbatched.throughput());
            int errors = single.errors() + batched.errors() + unbatched.errors();
            System.out.println("errors: " + errors);
            if (errors > 0) {
                System.exit(1);
            }
        } finally {
            deleteTree(registryDir);
        }
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

    /** The p50 of one image's forward pass, input creation and output read-back included, in this JVM. */
    private static double rawForwardP50Ms(Path bundle) {
        try (Student student = Student.load(bundle)) {
            InputSpec spec = student.inputSpec();
            float[] input = new float[spec.pixelsPerImage()];
            spec.toTensor(DigitDomains.open("mnist5k").load(0), spec.evalTransforms(), new Random(0), input, 0);
            long[] times = new long[2000];
            for (int i = -500; i < times.length; i++) {
                long start = System.nanoTime();
                try (NDManager scratch = student.manager().newSubManager()) {
                    NDArray x = scratch.create(input, new Shape(1, 3, spec.height(), spec.width()));
                    NDArray logits = student.logits(x);
                    logits.softmax(1).toFloatArray();
                }
                if (i >= 0) {
                    times[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(times);
            return LoadGenerator.percentile(times, 0.5);
        }
    }

    /** The server's (images, forward passes) so far, from its own /metrics. */
    private static double[] batchTotals(InferenceServer server) throws IOException, InterruptedException {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String metrics = client.send(java.net.http.HttpRequest.newBuilder(server.url().resolve("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double[] totals = new double[2];
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("imed_batch_images_sum ")) {
                totals[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("imed_batch_images_count ")) {
                totals[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return totals;
    }

    private static LoadGenerator.Result load(InferenceServer server, int concurrency, int requests, int warmup)
            throws IOException, InterruptedException {
        double[] before = batchTotals(server);
        LoadGenerator.Result result = runClient(server, concurrency, requests, warmup);
        double[] after = batchTotals(server);
        System.out.printf(Locale.ROOT, "concurrency %d, maxBatch %d: %s (mean batch %.1f images)%n", concurrency,
                server.config().maxBatch(), result.line(), (after[0] - before[0]) / Math.max(1, after[1] - before[1]));
        return result;
    }

    private static LoadGenerator.Result runClient(InferenceServer server, int concurrency, int requests, int warmup)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                server.url().toString(), Integer.toString(concurrency), Integer.toString(requests),
                Integer.toString(warmup), Integer.toString(MAX_SECONDS)));
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

package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.ImageBytes;
import dev.imed.model.registry.StudentRegistry;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reported overload: {@code imed serve} with a small heap and a burst of concurrent {@code POST
 * /v1/predict}, each a 4096×4095 PNG (legal: under the 4096² pixel limit), once answered 8×200, 29×400,
 * 11×500 and an OutOfMemoryError. The server runs in a child JVM with {@code -Xmx512m} and the default
 * limits; every answer
 * must be 200 or 503 (with {@code Retry-After}), the process must not run out of memory, readiness must
 * stay true, and once the load stops every request succeeds again. Bounds are generous: the machine is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverloadTest {
    @TempDir
    static Path dir;
    private Process server;
    private Path log;
    private URI base;
    private byte[] png;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newFixedThreadPool(8)).build();

    @BeforeAll
    void startServer() throws Exception {
        Path registry = Files.createDirectories(dir.resolve("registry"));
        TestStudents.publish(new StudentRegistry(registry));
        Path portFile = dir.resolve("port");
        log = dir.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-Xmx512m", "-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-Djava.awt.headless=true",
                "-cp", classpath, ChildServer.class.getName(), registry.toString(), portFile.toString());
        server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(portFile)) {
            assertThat(server.isAlive()).as("the child server is running: " + tail()).isTrue();
            assertThat(System.nanoTime()).as("the child server started within 180 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        base = URI.create("http://127.0.0.1:" + Files.readString(portFile).trim());

        // A legal 4096×4095 PNG, a digit scaled up: some 60 KB that would take 64 MB decoded at full size.
        BufferedImage digit = TestStudents.digit(3);
        BufferedImage big = new BufferedImage(4096, 4095, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.drawImage(digit, 0, 0, 4096, 4095, null);
        g.dispose();
        png = ImageBytes.encode(big, "png");
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private record Answer(int status, long nanos, String retryAfter, String body) {}

    private Answer predict() {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/predict"))
                    .timeout(Duration.ofSeconds(300)).header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), System.nanoTime() - start,
                    response.headers().firstValue("Retry-After").orElse(null), response.body());
        } catch (IOException e) {
            return new Answer(-1, System.nanoTime() - start, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-2, 0, null, "interrupted");
        }
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** {@code clients} threads, released together, each sending {@code each} requests one after another. */
    private List<Answer> load(int clients, int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Answer>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Answer> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(predict());
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Answer> all = new ArrayList<>();
            for (Future<List<Answer>> f : futures) {
                all.addAll(f.get(600, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertShedOrServed(List<Answer> answers, String what) throws Exception {
        Map<Integer, Integer> counts = new TreeMap<>();
        answers.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
        List<Long> admitted = answers.stream().filter(a -> a.status() == 200).map(Answer::nanos).sorted().toList();
        long p99 = admitted.isEmpty() ? 0 : admitted.get(Math.min(admitted.size() - 1, (int) Math.ceil(admitted.size() * 0.99) - 1));
        System.out.printf("%s: statuses %s, p99 of the admitted %.0f ms%n", what, counts, p99 / 1e6);
        assertThat(counts.keySet()).as(what + ": statuses " + counts + "; first other: "
                + answers.stream().filter(a -> a.status() != 200 && a.status() != 503).findFirst().map(Answer::body).orElse(""))
                .isSubsetOf(200, 503);
        assertThat(counts.getOrDefault(200, 0)).as(what + ": some requests are served").isPositive();
        assertThat(answers).filteredOn(a -> a.status() == 503).allSatisfy(a -> assertThat(a.retryAfter()).isEqualTo("1"));
        assertThat(p99).as(what + ": p99 of admitted requests").isLessThan(TimeUnit.SECONDS.toNanos(120));
        assertThat(server.isAlive()).as("the server is still running").isTrue();
        assertThat(status("/v2/health/ready")).as("readiness").isEqualTo(200);
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    @Test
    void burstsAreServedOrShedWithoutRunningOutOfMemoryAndServiceRecovers() throws Exception {
        assertThat(png.length).isBetween(10_000, 200_000);
        assertShedOrServed(load(48, 1), "burst of 48");
        assertShedOrServed(load(192, 1), "burst of 192");
        assertShedOrServed(load(32, 8), "steady overload, 32 clients × 8");

        // Once the load stops, every request is served again and nothing is left held.
        for (int i = 0; i < 10; i++) {
            Answer answer = predict();
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(PredictApiTest.metricValue(metrics, "imed_admission_images")).isZero();
        assertThat(PredictApiTest.metricValue(metrics, "imed_admission_bytes")).isZero();
        assertThat(PredictApiTest.metricValue(metrics, "imed_admission_shed_total")).as("requests were shed").isPositive();
        assertThat(PredictApiTest.metricValue(metrics, "imed_admission_pixels")).isZero();
        System.out.println(tail());
    }

    private String tail() {
        try {
            String text = Files.readString(log);
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }
}

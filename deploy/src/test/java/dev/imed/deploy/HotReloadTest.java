package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.transform.InputSpec;
import dev.imed.distill.registry.StudentRegistry;
import dev.imed.distill.student.Student;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New registry versions are swapped in under load; broken ones are refused once and the old model keeps serving. */
class HotReloadTest {
    private static final long POLL_MS = 50;

    /** One request as a client saw it. */
    private record Observation(long startedNanos, long finishedNanos, int status, long version, String body) {}

    @Test
    void aNewVersionIsSwappedInUnderConcurrentLoadWithoutFailingARequest(@TempDir Path registryDir) throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        TestStudents.publish(registry);
        try (InferenceServer server = InferenceServer.start(config(registryDir));
             Http http = new Http(server.url())) {
            byte[] png = TestStudents.png(77);
            Queue<Observation> observations = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int c = 0; c < 8; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get() && System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        Http.Reply reply = http.postBytes("/v1/predict", png, "image/png");
                        long version = reply.status() == 200 ? reply.json().get("modelVersion").asLong() : -1;
                        observations.add(new Observation(started, System.nanoTime(), reply.status(), version, reply.body()));
                    }
                }));
            }
            await(() -> observations.size() > 40, "requests on version 1");
            Path v2 = TestStudents.publish(registry).dir();
            await(() -> observations.stream().anyMatch(o -> o.version() == 2), "a response from version 2");
            int seen = observations.size();
            await(() -> observations.size() > seen + 40, "more requests on version 2");
            stop.set(true);
            for (Future<?> client : running) {
                client.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();

            assertThat(observations).allSatisfy(o -> assertThat(o.status()).as(o.body()).isEqualTo(200));
            assertThat(observations).extracting(Observation::version).contains(1L, 2L).containsOnly(1L, 2L);
            long firstV2Finished = observations.stream().filter(o -> o.version() == 2)
                    .mapToLong(Observation::finishedNanos).min().orElseThrow();
            assertThat(observations).filteredOn(o -> o.startedNanos() > firstV2Finished)
                    .as("requests sent after version 2 answered").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.version()).isEqualTo(2));

            float[] expected = TestStudents.offlineProbabilities(v2, List.of(TestStudents.digit(77)));
            Http.Reply reply = http.postBytes("/v1/predict?topK=1", png, "image/png");
            assertThat(reply.json().get("label").asInt()).isEqualTo(TestStudents.argmax(expected, 0, 10));
            assertThat(reply.json().get("topK").get(0).get("probability").asDouble())
                    .isCloseTo(expected[TestStudents.argmax(expected, 0, 10)], org.assertj.core.api.Assertions.within(1e-5));
            String metrics = http.get("/metrics").body();
            assertThat(PredictApiTest.metricValue(metrics, "imed_model_version")).isEqualTo(2.0);
            assertThat(server.modelVersion()).isEqualTo(2);
        }
    }

    @Test
    void brokenVersionsAreRejectedOnceAndTheCurrentOneKeepsServing(@TempDir Path registryDir, @TempDir Path staging) throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        TestStudents.publish(registry);
        try (InferenceServer server = InferenceServer.start(config(registryDir));
             Http http = new Http(server.url())) {
            // v2: weights changed after the bundle was written, so the checksum no longer matches.
            Path corrupt = TestStudents.write(staging.resolve("v000002"), 2).dir();
            try (RandomAccessFile weights = new RandomAccessFile(corrupt.resolve(Bundle.WEIGHTS).toFile(), "rw")) {
                weights.seek(weights.length() - 8);
                weights.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
            moveIntoRegistry(corrupt, registryDir);
            await(() -> rejected(http) == 1, "the corrupt version to be rejected");
            assertServes(http, 1);

            // v3: a valid checksum, but weights of another shape than the manifest's architecture.
            Path misshapen = writeMisshapen(staging.resolve("v000003"), 3);
            moveIntoRegistry(misshapen, registryDir);
            await(() -> rejected(http) == 2, "the misshapen version to be rejected");
            assertServes(http, 1);

            Thread.sleep(20 * POLL_MS);
            assertThat(rejected(http)).as("rejected versions are not retried at every poll").isEqualTo(2);
            assertThat(http.get("/v2/models/student").json().get("versions").get(0).asText()).isEqualTo("1");

            TestStudents.publish(registry);
            await(() -> server.modelVersion() == 4, "the next good version to be served");
            assertServes(http, 4);
        }
    }

    @Test
    void anEmptyRegistryIsNotReadyUntilAVersionAppears(@TempDir Path registryDir) throws Exception {
        try (InferenceServer server = InferenceServer.start(config(registryDir));
             Http http = new Http(server.url())) {
            assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(http.get("/v2/health/ready").status()).isEqualTo(503);
            Http.Reply predict = http.postBytes("/v1/predict", TestStudents.png(1), "image/png");
            assertThat(predict.status()).isEqualTo(503);
            assertThat(predict.error()).contains("no student version");

            TestStudents.publish(new StudentRegistry(registryDir));
            await(() -> http.get("/v2/health/ready").status() == 200, "readiness");
            assertServes(http, 1);
        }
    }

    @Test
    void aMissingRegistryDirectoryFailsAtStart(@TempDir Path parent) {
        Path missing = parent.resolve("no-such-registry");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InferenceServer.start(config(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    private static ServeConfig config(Path registryDir) {
        return ServeConfig.defaults(registryDir).withPort(0).withBatching(8, 2).withPollMs(POLL_MS);
    }

    private static void assertServes(Http http, long version) {
        Http.Reply reply = http.postBytes("/v1/predict", TestStudents.png(5), "image/png");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("modelVersion").asLong()).isEqualTo(version);
    }

    private static double rejected(Http http) {
        return PredictApiTest.metricValue(http.get("/metrics").body(), "imed_model_reloads_total{outcome=\"rejected\"}");
    }

    /** A checksum-valid bundle whose bottleneck is 64 wide while its manifest says 256. */
    private static Path writeMisshapen(Path dir, long version) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 64, 10, InputSpec.digits(), manager);
            return Bundle.write(dir, TestStudents.manifest().withVersion(version), net).dir();
        }
    }

    /** Versions appear in a registry by an atomic rename, as the registry itself publishes them. */
    private static void moveIntoRegistry(Path bundle, Path registryDir) throws IOException {
        Files.move(bundle, registryDir.resolve(bundle.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

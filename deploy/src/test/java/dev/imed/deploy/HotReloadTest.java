package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imed.deploy.model.LiveModel;
import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new registry version is swapped in under concurrent load without failing a request. The other
 * reload cases ({@link RejectedVersionsTest}, {@link EmptyRegistryTest}) start from other registries,
 * and a {@code @MicronautTest} context belongs to its class, so they are classes of their own.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotReloadTest implements TestPropertyProvider {
    static final long POLL_MS = 50;

    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    LiveModel live;

    /** One request as a client saw it. */
    private record Observation(long startedNanos, long finishedNanos, int status, long version, String body) {}

    @Override
    public Map<String, String> getProperties() {
        TestStudents.publish(new StudentRegistry(registryDir));
        return TestStudents.properties(config(registryDir));
    }

    /** A server that polls its registry every {@value #POLL_MS} ms. */
    static ServeConfig config(Path registryDir) {
        return ServeConfig.defaults(registryDir).withPort(0).withBatching(8, 2).withPollMs(POLL_MS);
    }

    @Test
    void aNewVersionIsSwappedInUnderConcurrentLoadWithoutFailingARequest() throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Http http = new Http(client);
        byte[] png = TestStudents.png(77);
        Queue<Observation> observations = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        try {
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
            for (Future<?> worker : running) {
                worker.get(120, TimeUnit.SECONDS);
            }

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
                    .isCloseTo(expected[TestStudents.argmax(expected, 0, 10)], within(1e-5));
            String metrics = http.get("/metrics").body();
            assertThat(PredictApiTest.metricValue(metrics, "imed_model_version")).isEqualTo(2.0);
            assertThat(live.version()).isEqualTo(2);
        } finally {
            stop.set(true);
            clients.shutdownNow();
        }
    }

    static void assertServes(Http http, long version) {
        Http.Reply reply = http.postBytes("/v1/predict", TestStudents.png(5), "image/png");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("modelVersion").asLong()).isEqualTo(version);
    }
}

package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imed.deploy.ReloadFixture.Observation;
import dev.imed.deploy.model.LiveModel;
import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    LiveModel live;

    @Override
    public Map<String, String> getProperties() {
        return ReloadFixture.publishAndServe(registryDir, 1);
    }

    @Test
    void aNewVersionIsSwappedInUnderConcurrentLoadWithoutFailingARequest() throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Http http = new Http(client);
        byte[] png = TestStudents.png(77);
        try (ReloadFixture.Load load = new ReloadFixture.Load(http, png, 8)) {
            Queue<Observation> observations = load.observations;
            await(() -> observations.size() > 40, "requests on version 1");
            Path v2 = TestStudents.publish(registry).dir();
            await(() -> observations.stream().anyMatch(o -> o.version() == 2), "a response from version 2");
            int seen = observations.size();
            await(() -> observations.size() > seen + 40, "more requests on version 2");
            load.finish();

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
        }
    }
}

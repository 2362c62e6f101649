package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A server over an empty registry is live but not ready (503, the KServe convention) until a version appears. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmptyRegistryTest implements TestPropertyProvider {
    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
        return TestStudents.properties(ReloadFixture.config(registryDir));
    }

    @Test
    void anEmptyRegistryIsNotReadyUntilAVersionAppears() throws Exception {
        Http http = new Http(client);
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        Http.Reply ready = http.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("ready").asBoolean()).isFalse();
        assertThat(http.get("/v2/models/student/ready").status()).isEqualTo(503);
        Http.Reply predict = http.postBytes("/v1/predict", TestStudents.png(1), "image/png");
        assertThat(predict.status()).isEqualTo(503);
        assertThat(predict.error()).contains("no student version");

        TestStudents.publish(new StudentRegistry(registryDir));
        await(() -> http.get("/v2/health/ready").status() == 200, "readiness");
        ReloadFixture.assertServes(http, 1);
    }
}

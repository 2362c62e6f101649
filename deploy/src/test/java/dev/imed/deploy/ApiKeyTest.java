package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.HttpRequest;
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

/** With an API key configured, only probes and the API document are open; the rest needs X-API-Key. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyTest implements TestPropertyProvider {
    private static final String KEY = "s3cret-key";

    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
        TestStudents.publish(new StudentRegistry(registryDir));
        return TestStudents.properties(ServeConfig.defaults(registryDir).withPort(0).withApiKey(KEY).withPollMs(60_000));
    }

    @Test
    void requestsWithoutTheKeyGet401AndWithItSucceed() {
        Http http = new Http(client);
        byte[] png = TestStudents.png(11);

        Http.Reply missing = http.postBytes("/v1/predict", png, "image/png");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).contains("X-API-Key");
        Http.Reply wrong = http.send(HttpRequest.POST("/v1/predict", png).contentType("image/png").header("X-API-Key", "s3cret-kez"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).contains("does not hold");
        assertThat(http.get("/v2/models/student").status()).isEqualTo(401);
        assertThat(http.postJson("/v2/models/student/infer", "{}").status()).isEqualTo(401);
        assertThat(http.get("/metrics").status()).isEqualTo(401);
        assertThat(http.get("/no/such/route").status()).isEqualTo(401);

        Http.Reply right = http.send(HttpRequest.POST("/v1/predict", png).contentType("image/png").header("X-API-Key", KEY));
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        String metrics = http.send(HttpRequest.GET("/metrics").header("X-API-Key", KEY)).body();
        assertThat(PredictApiTest.metricValue(metrics, "imed_requests_seconds_count{endpoint=\"v1_predict\",status=\"401\"}"))
                .isEqualTo(2.0);

        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(http.get("/openapi.yml").status()).isEqualTo(200);
    }
}

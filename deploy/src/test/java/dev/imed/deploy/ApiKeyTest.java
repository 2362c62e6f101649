package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.distill.registry.StudentRegistry;
import io.micronaut.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With an API key configured, only probes and the API document are open; the rest needs X-API-Key. */
class ApiKeyTest {

    @Test
    void requestsWithoutTheKeyGet401AndWithItSucceed(@TempDir Path registryDir) {
        TestStudents.publish(new StudentRegistry(registryDir));
        String key = "s3cret-key";
        try (InferenceServer server = InferenceServer.start(ServeConfig.defaults(registryDir).withPort(0).withApiKey(key).withPollMs(60_000));
             Http http = new Http(server.url())) {
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

            Http.Reply right = http.send(HttpRequest.POST("/v1/predict", png).contentType("image/png").header("X-API-Key", key));
            assertThat(right.status()).as(right.body()).isEqualTo(200);
            String metrics = http.send(HttpRequest.GET("/metrics").header("X-API-Key", key)).body();
            assertThat(PredictApiTest.metricValue(metrics, "imed_requests_seconds_count{endpoint=\"v1_predict\",status=\"401\"}"))
                    .isEqualTo(2.0);

            assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(http.get("/openapi.yml").status()).isEqualTo(200);
        }
    }
}

package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imed.core.testing.ImageBytes;
import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.multipart.MultipartBody;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/predict}, the error shape, {@code /metrics} and the OpenAPI document, over real HTTP. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictApiTest implements TestPropertyProvider {
    private static final int MAX_REQUEST_BYTES = 256 * 1024;

    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    EmbeddedServer server;

    private Path v1;
    private Http http;

    /** Asked for before the context starts: publishes the student the server will load. */
    @Override
    public Map<String, String> getProperties() {
        v1 = TestStudents.publish(new StudentRegistry(registryDir)).dir();
        return TestStudents.properties(ServeConfig.defaults(registryDir).withPort(0).withBatching(8, 5)
                .withLimits(MAX_REQUEST_BYTES, 1_000_000).withPollMs(60_000));
    }

    @BeforeEach
    void http() {
        http = new Http(client);
    }

    @Test
    void predictionsEqualOfflineInferenceOnRealDigits() {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            images.add(TestStudents.digit(i * 397));
        }
        float[] expected = TestStudents.offlineProbabilities(v1, images);
        for (int i = 0; i < images.size(); i++) {
            Http.Reply reply = http.postBytes("/v1/predict?topK=10", ImageBytes.encode(images.get(i), "png"), "image/png");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode json = reply.json();
            int label = TestStudents.argmax(expected, i, 10);
            assertThat(json.get("label").asInt()).isEqualTo(label);
            assertThat(json.get("className").asText()).isEqualTo(Integer.toString(label));
            assertThat(json.get("modelVersion").asLong()).isEqualTo(1);
            assertThat(json.get("latencyMs").asDouble()).isPositive();
            JsonNode top = json.get("topK");
            assertThat(top).hasSize(10);
            assertThat(top.get(0).get("label").asInt()).isEqualTo(label);
            double previous = 1;
            for (JsonNode entry : top) {
                int c = entry.get("label").asInt();
                assertThat(entry.get("className").asText()).isEqualTo(Integer.toString(c));
                assertThat(entry.get("probability").asDouble()).isCloseTo(expected[i * 10 + c], within(1e-5));
                assertThat(entry.get("probability").asDouble()).isLessThanOrEqualTo(previous);
                previous = entry.get("probability").asDouble();
            }
        }
    }

    @Test
    void multipartAndJpegUploadsAreClassifiedLikeTheirDecodedPixels() throws IOException {
        BufferedImage digit = TestStudents.digit(1234);
        MultipartBody body = MultipartBody.builder()
                .addPart("file", "digit.png", MediaType.IMAGE_PNG_TYPE, ImageBytes.encode(digit, "png")).build();
        Http.Reply multipart = http.send(HttpRequest.POST("/v1/predict?topK=3", body).contentType(MediaType.MULTIPART_FORM_DATA_TYPE));
        assertThat(multipart.status()).as(multipart.body()).isEqualTo(200);
        float[] expected = TestStudents.offlineProbabilities(v1, List.of(digit));
        assertThat(multipart.json().get("label").asInt()).isEqualTo(TestStudents.argmax(expected, 0, 10));
        assertThat(multipart.json().get("topK")).hasSize(3);

        byte[] jpeg = ImageBytes.encode(digit, "jpeg");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
        float[] expectedJpeg = TestStudents.offlineProbabilities(v1, List.of(decoded));
        Http.Reply reply = http.postBytes("/v1/predict", jpeg, "image/jpeg");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("label").asInt()).isEqualTo(TestStudents.argmax(expectedJpeg, 0, 10));
        assertThat(reply.json().get("topK")).hasSize(5);
    }

    @Test
    void aLargeImageIsDecodedOffTheEventLoopAndClassifiedLikeItsPixels() {
        // 200×200 = 40,000 pixels: more than the event loop decodes itself, so a worker thread does.
        assertThat(200L * 200).isGreaterThan(dev.imed.deploy.inference.InferenceService.INLINE_DECODE_PIXELS);
        BufferedImage large = TestStudents.largeDigit(2024, 200);
        byte[] encoded = ImageBytes.encode(large, "png");
        // Decoded subsampled towards twice the model's 28×28 (every 3rd pixel: 67×67), as the server does.
        BufferedImage asDecoded = ((dev.imed.core.image.GuardedImageDecoder.Decoded) new dev.imed.core.image.GuardedImageDecoder(
                200 * 200).decodeWithin(encoded, Long.MAX_VALUE, 56, 56)).image();
        assertThat(asDecoded.getWidth()).isEqualTo(67);
        float[] expected = TestStudents.offlineProbabilities(v1, List.of(asDecoded));
        Http.Reply reply = http.postBytes("/v1/predict?topK=10", encoded, "image/png");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        int label = TestStudents.argmax(expected, 0, 10);
        assertThat(reply.json().get("label").asInt()).isEqualTo(label);
        for (JsonNode entry : reply.json().get("topK")) {
            assertThat(entry.get("probability").asDouble()).isCloseTo(expected[entry.get("label").asInt()], within(1e-5));
        }

        byte[] png = ImageBytes.encode(TestStudents.largeDigit(7, 200), "png");
        Http.Reply truncated = http.postBytes("/v1/predict", Arrays.copyOf(png, png.length / 2), "image/png");
        assertThat(truncated.status()).as(truncated.body()).isEqualTo(400);
        assertThat(truncated.contentType()).startsWith("application/json");
        assertThat(truncated.error()).contains("corrupt or truncated");
    }

    @Test
    void concurrentRequestsAllSucceedAndShareForwardPasses() throws Exception {
        byte[] png = TestStudents.png(42);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                replies.add(pool.submit(() -> http.postBytes("/v1/predict", png, "image/png")));
            }
            for (Future<Http.Reply> reply : replies) {
                assertThat(reply.get().status()).as(reply.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        String metrics = http.get("/metrics").body();
        double images = metricValue(metrics, "imed_batch_images_sum");
        double batches = metricValue(metrics, "imed_batch_images_count");
        assertThat(images).isGreaterThanOrEqualTo(64);
        assertThat(batches).as("64 concurrent requests need fewer than 64 forward passes").isLessThan(images);
    }

    @Test
    void topKOutsideOneToClassCountIsRejected() {
        byte[] png = TestStudents.png(7);
        for (String topK : List.of("0", "11", "-1")) {
            Http.Reply reply = http.postBytes("/v1/predict?topK=" + topK, png, "image/png");
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.error()).contains("topK");
        }
        // Validated before any work: with an undecodable body too, the answer is about topK, and no batch runs for it.
        double batchesBefore = metricValue(http.get("/metrics").body(), "imed_batch_images_count");
        Http.Reply early = http.postBytes("/v1/predict?topK=11", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2}, "image/png");
        assertThat(early.status()).isEqualTo(400);
        assertThat(early.error()).contains("query parameter topK must be between 1 and 10").contains("got 11");
        assertThat(metricValue(http.get("/metrics").body(), "imed_batch_images_count")).isEqualTo(batchesBefore);
        Http.Reply notANumber = http.postBytes("/v1/predict?topK=many", png, "image/png");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.error()).contains("topK");
    }

    @Test
    void badImagesGetFourHundredsThatSayWhatIsWrong() {
        Http.Reply empty = http.postBytes("/v1/predict", new byte[0], "image/png");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).contains("empty");

        byte[] png = TestStudents.png(3);
        Http.Reply truncated = http.postBytes("/v1/predict", Arrays.copyOf(png, png.length / 2), "image/png");
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.error()).contains("corrupt or truncated");

        Http.Reply text = http.postBytes("/v1/predict", "certainly not an image".getBytes(StandardCharsets.UTF_8), "image/png");
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.error()).contains("not a PNG, JPEG, GIF or BMP image");

        Http.Reply headerOnly = http.postBytes("/v1/predict", Arrays.copyOf(png, 12), "image/png");
        assertThat(headerOnly.status()).isEqualTo(400);
        assertThat(headerOnly.error()).isNotBlank();
    }

    @Test
    void aHeaderClaimingTwentyThousandSquaredIsRejectedBeforeDecoding() {
        Http.Reply reply = http.postBytes("/v1/predict", ImageBytes.pngDeclaring(20_000, 20_000), "image/png");
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.error()).contains("20000×20000").contains("limit");
    }

    @Test
    void wrongContentTypesGet415() {
        byte[] png = TestStudents.png(5);
        for (String type : List.of("text/plain", "application/json", "application/octet-stream")) {
            Http.Reply reply = http.postBytes("/v1/predict", png, type);
            assertThat(reply.status()).as(type).isEqualTo(415);
            assertThat(reply.contentType()).startsWith("application/json");
            assertThat(reply.error()).as(type).contains(type);
        }
    }

    @Test
    void aRequestWithoutContentTypeGets415() throws Exception {
        // Micronaut's client always sends a Content-Type with a body, the JDK's does not unless told.
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> reply = jdk.send(java.net.http.HttpRequest.newBuilder(server.getURI().resolve("/v1/predict"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(TestStudents.png(5))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(415);
        assertThat(reply.body()).contains("no Content-Type").contains("image/png");
    }

    @Test
    void anOversizedBodyGets413() {
        byte[] big = new byte[MAX_REQUEST_BYTES + 4096];
        byte[] png = TestStudents.png(5);
        System.arraycopy(png, 0, big, 0, png.length);
        Http.Reply reply = http.postBytes("/v1/predict", big, "image/png");
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error()).isNotBlank();
    }

    @Test
    void aMultipartRequestWithoutTheFileFieldGets400() {
        MultipartBody body = MultipartBody.builder()
                .addPart("image", "digit.png", MediaType.IMAGE_PNG_TYPE, TestStudents.png(1)).build();
        Http.Reply reply = http.send(HttpRequest.POST("/v1/predict", body).contentType(MediaType.MULTIPART_FORM_DATA_TYPE));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).contains("file");
    }

    @Test
    void unknownRoutesAndMethodsAnswerInTheErrorShape() {
        Http.Reply missing = http.get("/v1/models");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isNotBlank();
        Http.Reply wrongMethod = http.get("/v1/predict");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.error()).isNotBlank();
    }

    @Test
    void metricsArePrometheusText() {
        http.postBytes("/v1/predict", TestStudents.png(9), "image/png");
        http.postBytes("/v1/predict", new byte[0], "image/png");
        Http.Reply reply = http.get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        assertThat(reply.body())
                .contains("imed_requests_seconds_count{endpoint=\"v1_predict\",status=\"200\"}")
                .contains("imed_requests_seconds_count{endpoint=\"v1_predict\",status=\"400\"}")
                .contains("imed_requests_seconds_bucket{endpoint=\"v1_predict\",status=\"200\",le=\"0.005\"}")
                .contains("imed_batch_images_bucket")
                .contains("imed_batch_forward_seconds_count")
                .contains("imed_model_reloads_total{outcome=\"loaded\"} 1.0");
        assertThat(metricValue(reply.body(), "imed_model_version")).isEqualTo(1.0);
    }

    @Test
    void theOpenApiDocumentDescribesBothApis() {
        Http.Reply reply = http.get("/openapi.yml");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).contains("openapi: 3.").contains("/v1/predict").contains("/v2/models/{name}/infer")
                .contains("X-API-Key").contains("ApiError");
    }

    static double metricValue(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}

package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imed.core.testing.ImageBytes;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol routes over real HTTP, checked against offline inference. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenInferenceApiTest implements TestPropertyProvider {
    private static final String INFER = "/v2/models/student/infer";

    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;

    private Path v1;
    private Http http;
    private final List<BufferedImage> digits = new ArrayList<>();

    /** Asked for before the context starts: publishes the student the server will load. */
    @Override
    public Map<String, String> getProperties() {
        v1 = TestStudents.publish(new StudentRegistry(registryDir)).dir();
        for (int i = 0; i < 4; i++) {
            digits.add(TestStudents.digit(100 + i * 1000));
        }
        return TestStudents.properties(ServeConfig.defaults(registryDir).withPort(0).withLimits(1 << 20, 1_000_000)
                .withPollMs(60_000));
    }

    @BeforeEach
    void http() {
        http = new Http(client);
    }

    @Test
    void healthAndMetadataFollowTheProtocol() {
        assertThat(http.get("/v2/health/live").json().get("live").asBoolean()).isTrue();
        Http.Reply ready = http.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        JsonNode serverMetadata = http.get("/v2").json();
        assertThat(serverMetadata.get("name").asText()).isEqualTo("imed");
        assertThat(serverMetadata.get("extensions").isArray()).isTrue();

        JsonNode model = http.get("/v2/models/student").json();
        assertThat(model.get("name").asText()).isEqualTo("student");
        assertThat(model.get("versions").get(0).asText()).isEqualTo("1");
        assertThat(model.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP32");
        assertThat(model.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,3,28,28]");
        assertThat(model.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,10]");
        JsonNode modelReady = http.get("/v2/models/student/ready").json();
        assertThat(modelReady.get("ready").asBoolean()).isTrue();
    }

    @Test
    void anFp32TensorGivesTheOfflineLogitsAndLabels() {
        float[] tensor = TestStudents.tensor(InputSpec.digits(), digits);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", "input");
        input.put("datatype", "FP32");
        input.put("shape", List.of(digits.size(), 3, 28, 28));
        input.put("data", tensor);
        Http.Reply reply = http.postJson(INFER, Http.json(Map.of("id", "fp32-1", "inputs", List.of(input))));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode json = reply.json();
        assertThat(json.get("model_name").asText()).isEqualTo("student");
        assertThat(json.get("model_version").asText()).isEqualTo("1");
        assertThat(json.get("id").asText()).isEqualTo("fp32-1");
        assertMatchesOffline(json, digits);
    }

    @Test
    void aNestedFp32TensorIsReadInRowMajorOrder() {
        float[] flat = TestStudents.tensor(InputSpec.digits(), digits.subList(0, 1));
        List<Object> channels = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            List<Object> rows = new ArrayList<>();
            for (int y = 0; y < 28; y++) {
                List<Float> row = new ArrayList<>();
                for (int x = 0; x < 28; x++) {
                    row.add(flat[c * 784 + y * 28 + x]);
                }
                rows.add(row);
            }
            channels.add(rows);
        }
        Map<String, Object> input = Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 3, 28, 28),
                "data", List.of(channels));
        Http.Reply reply = http.postJson(INFER, Http.json(Map.of("inputs", List.of(input))));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertMatchesOffline(reply.json(), digits.subList(0, 1));
    }

    @Test
    void aBytesTensorOfBase64ImagesGivesTheOfflineResultsAndChosenOutputs() {
        List<String> encoded = new ArrayList<>();
        for (BufferedImage digit : digits) {
            encoded.add(Base64.getEncoder().encodeToString(ImageBytes.encode(digit, "png")));
        }
        Map<String, Object> input = Map.of("name", "input", "datatype", "BYTES", "shape", List.of(digits.size()), "data", encoded);
        Http.Reply all = http.postJson(INFER, Http.json(Map.of("inputs", List.of(input))));
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertMatchesOffline(all.json(), digits);

        Http.Reply labelsOnly = http.postJson(INFER, Http.json(Map.of("inputs", List.of(input),
                "outputs", List.of(Map.of("name", "label"), Map.of("name", "class_name")))));
        assertThat(labelsOnly.status()).isEqualTo(200);
        JsonNode outputs = labelsOnly.json().get("outputs");
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("label");
        assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("INT64");
        assertThat(outputs.get(1).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(outputs.get(1).get("data").get(0).asText()).isEqualTo(outputs.get(0).get("data").get(0).asText());
    }

    @Test
    void malformedRequestsGet400WithAMessage() {
        assertError(http.postJson(INFER, "{\"inputs\": [ {\"name\": "), 400, "not valid JSON");
        assertError(http.postBytes(INFER, new byte[0], "application/json"), 400, "empty");
        assertError(http.postJson(INFER, "[1, 2, 3]"), 400, "JSON object");
        // Refused by the streaming precheck, before any tree is built.
        assertError(http.postJson(INFER, "{\"inputs\": " + "[".repeat(20_000) + "]".repeat(20_000) + "}"), 400,
                "nested more than 8 levels deep");
        assertError(http.postJson(INFER, "{\"inputs\": []} {\"inputs\": []}"), 400, "more than one JSON value");
        assertError(http.postJson(INFER, "{\"outputs\": []}"), 400, "\"inputs\"");
        assertError(http.postJson(INFER, "{\"inputs\": []}"), 400, "exactly one input");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[1, 3, 32, 32]", zeros(3 * 32 * 32))), 400, "[N, 3, 28, 28]");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[1, 28, 28, 3]", zeros(3 * 28 * 28))), 400, "[1, 28, 28, 3]");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[1, 3, 28, 28]", zeros(100))), 400, "100 elements");
        assertError(http.postJson(INFER, tensorRequest("INT8", "[1, 3, 28, 28]", zeros(3 * 28 * 28))), 400, "INT8");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[1, 3, 28, \"x\"]", zeros(3 * 28 * 28))), 400, "shape[3]");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[1, 3, 28, 28]", "[\"a\"" + ", 0".repeat(3 * 28 * 28 - 1) + "]")),
                400, "not a number");
        assertError(http.postJson(INFER, tensorRequest("BYTES", "[1]", "[\"%%% not base64\"]")), 400, "base64");
        assertError(http.postJson(INFER, tensorRequest("BYTES", "[1]", "[\"" + Base64.getEncoder().encodeToString("plain text".getBytes()) + "\"]")),
                400, "not a PNG");
        assertError(http.postJson(INFER, tensorRequest("BYTES", "[1]", "[\"" + Base64.getEncoder().encodeToString(ImageBytes.pngDeclaring(20_000, 20_000)) + "\"]")),
                422, "20000×20000");
        String unknownOutput = "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 3, 28, 28], \"data\": "
                + zeros(3 * 28 * 28) + "}], \"outputs\": [{\"name\": \"features\"}]}";
        assertError(http.postJson(INFER, unknownOutput), 400, "unknown output 'features'");
        assertError(http.postBytes(INFER, "{}".getBytes(), "text/plain"), 415, "text/plain");
    }

    @Test
    void aLargeMalformedRequestParsedOffTheEventLoopGets400Too() {
        // Over the size parsed on the event loop, so a worker thread parses it and the error comes back from there.
        String data = "[\"a\"" + ", 0.000000000".repeat(3 * 28 * 28 - 1) + "]";
        String body = tensorRequest("FP32", "[1, 3, 28, 28]", data);
        assertThat(body.length()).isGreaterThan(16 * 1024);
        assertError(http.postJson(INFER, body), 400, "not a number");
        assertError(http.postJson(INFER, tensorRequest("FP32", "[2, 3, 28, 28]", data)), 400, "elements");
    }

    @Test
    void unknownModelsGet404() {
        assertError(http.get("/v2/models/teacher"), 404, "unknown model 'teacher'");
        assertError(http.get("/v2/models/teacher/ready"), 404, "unknown model 'teacher'");
        assertError(http.postJson("/v2/models/teacher/infer", tensorRequest("FP32", "[1, 3, 28, 28]", zeros(3 * 28 * 28))),
                404, "unknown model 'teacher'");
        assertError(http.postJson("/v2/models/..%2F..%2Fetc%2Fpasswd/infer", "{}"), 404, "unknown model");
    }

    private void assertMatchesOffline(JsonNode response, List<BufferedImage> images) {
        float[] expected = TestStudents.offlineProbabilities(v1, images);
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        response.get("outputs").forEach(output -> outputs.put(output.get("name").asText(), output));
        assertThat(outputs.keySet()).containsExactly("logits", "probabilities", "label", "class_name");
        JsonNode probabilities = outputs.get("probabilities");
        assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[" + images.size() + ",10]");
        assertThat(outputs.get("logits").get("data")).hasSize(images.size() * 10);
        for (int i = 0; i < expected.length; i++) {
            assertThat(probabilities.get("data").get(i).asDouble()).isCloseTo(expected[i], within(1e-5));
        }
        for (int i = 0; i < images.size(); i++) {
            int label = TestStudents.argmax(expected, i, 10);
            assertThat(outputs.get("label").get("data").get(i).asInt()).isEqualTo(label);
            assertThat(outputs.get("class_name").get("data").get(i).asText()).isEqualTo(Integer.toString(label));
        }
    }

    private static void assertError(Http.Reply reply, int status, String fragment) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.error()).as(reply.body()).contains(fragment);
    }

    private static String tensorRequest(String datatype, String shape, String data) {
        return "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": " + data + "}]}";
    }

    private static String zeros(int count) {
        return "[0" + ", 0".repeat(count - 1) + "]";
    }
}

package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.RegistryWatcherTest;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Broken registry versions are refused once, and the version being served keeps serving. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RejectedVersionsTest implements TestPropertyProvider {
    /** Static, so that it exists when the context asks for its properties (before any test instance field is set). */
    @TempDir
    static Path registryDir;
    @TempDir
    static Path staging;
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
    void brokenVersionsAreRejectedOnceAndTheCurrentOneKeepsServing() throws Exception {
        Http http = new Http(client);
        // v2: weights changed after the bundle was written, so the checksum no longer matches.
        Path corrupt = TestStudents.write(staging.resolve("v000002"), 2).dir();
        try (RandomAccessFile weights = new RandomAccessFile(corrupt.resolve(Bundle.WEIGHTS).toFile(), "rw")) {
            weights.seek(weights.length() - 8);
            weights.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        moveIntoRegistry(corrupt);
        await(() -> rejected(http) == 1, "the corrupt version to be rejected");
        ReloadFixture.assertServes(http, 1);

        // v3: a valid checksum, but weights of another shape than the manifest's architecture.
        Path misshapen = writeMisshapen(staging.resolve("v000003"), 3);
        moveIntoRegistry(misshapen);
        await(() -> rejected(http) == 2, "the misshapen version to be rejected");
        ReloadFixture.assertServes(http, 1);

        Thread.sleep(20 * ReloadFixture.POLL_MS);
        assertThat(rejected(http)).as("rejected versions are not retried at every poll").isEqualTo(2);
        assertThat(http.get("/v2/models/student").json().get("versions").get(0).asText()).isEqualTo("1");

        TestStudents.publish(new StudentRegistry(registryDir));
        await(() -> live.version() == 4, "the next good version to be served");
        ReloadFixture.assertServes(http, 4);

        // v5: a sound bundle with five classes instead of ten: refused by the schema gate, counted, v4 keeps serving.
        RegistryWatcherTest.publishFiveClasses(new StudentRegistry(registryDir));
        await(() -> metric(http, "imed_model_reloads_total{outcome=\"incompatible\"}") == 1, "the other schema to be refused");
        ReloadFixture.assertServes(http, 4);
        double polled = metric(http, "imed_registry_last_successful_poll_seconds");
        assertThat(polled).as("the last successful poll, Unix seconds").isGreaterThan(1.7e9);
    }

    private static double metric(Http http, String name) {
        return PredictApiTest.metricValue(http.get("/metrics").body(), name);
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
    private void moveIntoRegistry(Path bundle) throws IOException {
        Files.move(bundle, registryDir.resolve(bundle.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
}

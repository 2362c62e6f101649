package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.deploy.ReloadFixture.Observation;
import dev.imed.deploy.model.LiveModel;
import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server follows the registry's pointer: rollback, pin and unpin move it between versions while
 * clients keep sending requests, and none fails; crash leftovers (a staging directory, a truncated
 * visible version) are never served.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PinRollbackTest implements TestPropertyProvider {
    @TempDir
    static Path registryDir;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    LiveModel live;

    @Override
    public Map<String, String> getProperties() {
        return ReloadFixture.publishAndServe(registryDir, 3);
    }

    @Test
    void pinRollbackAndUnpinUnderLoadFailNoRequest() throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Http http = new Http(client);
        byte[] png = TestStudents.png(3);
        await(() -> live.version() == 3, "version 3 served");
        try (ReloadFixture.Load load = new ReloadFixture.Load(http, png, 4)) {
            Queue<Observation> observations = load.observations;
            awaitServed(observations, 3);

            assertThat(registry.rollback()).isEqualTo(2);
            awaitServed(observations, 2);
            registry.pin(1);
            awaitServed(observations, 1);

            // Crash leftovers: a publisher killed before its rename, and a visible version with truncated weights.
            Path staging = Files.createDirectory(registryDir.resolve(".v000005.staging-1"));
            Files.writeString(staging.resolve(Bundle.MANIFEST), "{\"format\": 1");
            Path v4 = TestStudents.publish(registry).dir();
            try (RandomAccessFile weights = new RandomAccessFile(v4.resolve(Bundle.WEIGHTS).toFile(), "rw")) {
                weights.setLength(weights.length() / 2);
            }
            registry.unpin();
            awaitServed(observations, 3);
            assertThat(registry.versions()).containsExactly(1L, 2L, 3L, 4L);
            assertThat(registry.serving()).contains(3L);

            load.finish();
            assertThat(observations).isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).as(o.body()).isEqualTo(200));
            assertThat(observations).extracting(Observation::version).containsOnly(1L, 2L, 3L);
            Thread.sleep(10 * ReloadFixture.POLL_MS);
            assertThat(live.version()).as("the truncated v4 is never served").isEqualTo(3);
            ReloadFixture.assertServes(http, 3);
        }
    }

    /** Waits until responses come from {@code version} and a few more after the first of them. */
    private static void awaitServed(Queue<Observation> observations, long version) throws InterruptedException {
        await(() -> observations.stream().anyMatch(o -> o.version() == version), "a response from version " + version);
        int seen = observations.size();
        await(() -> observations.size() > seen + 10, "more requests after version " + version);
    }
}

package dev.imed.deploy;

import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
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
        StudentRegistry registry = new StudentRegistry(registryDir);
        for (int i = 0; i < 3; i++) {
            TestStudents.publish(registry);
        }
        return TestStudents.properties(HotReloadTest.config(registryDir));
    }

    private record Observation(int status, long version, String body) {}

    @Test
    void pinRollbackAndUnpinUnderLoadFailNoRequest() throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Http http = new Http(client);
        byte[] png = TestStudents.png(3);
        Queue<Observation> observations = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        try {
            await(() -> live.version() == 3, "version 3 served");
            for (int c = 0; c < 4; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get() && System.nanoTime() < deadline) {
                        Http.Reply reply = http.postBytes("/v1/predict", png, "image/png");
                        long version = reply.status() == 200 ? reply.json().get("modelVersion").asLong() : -1;
                        observations.add(new Observation(reply.status(), version, reply.body()));
                    }
                }));
            }
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

            stop.set(true);
            for (Future<?> worker : running) {
                worker.get(120, TimeUnit.SECONDS);
            }
            assertThat(observations).isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).as(o.body()).isEqualTo(200));
            assertThat(observations).extracting(Observation::version).containsOnly(1L, 2L, 3L);
            Thread.sleep(10 * HotReloadTest.POLL_MS);
            assertThat(live.version()).as("the truncated v4 is never served").isEqualTo(3);
            HotReloadTest.assertServes(http, 3);
        } finally {
            stop.set(true);
            clients.shutdownNow();
        }
    }

    /** Waits until responses come from {@code version} and a few more after the first of them. */
    private static void awaitServed(Queue<Observation> observations, long version) throws InterruptedException {
        await(() -> observations.stream().anyMatch(o -> o.version() == version), "a response from version " + version);
        int seen = observations.size();
        await(() -> observations.size() > seen + 10, "more requests after version " + version);
    }
}

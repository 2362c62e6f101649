package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.model.registry.StudentRegistry;
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

/**
 * What the reload tests share: a server that polls its registry every {@value #POLL_MS} ms, a check of the
 * version it serves, and clients that keep sending requests while the registry changes under them.
 */
final class ReloadFixture {
    static final long POLL_MS = 50;

    private ReloadFixture() {}

    /** A server that polls its registry every {@value #POLL_MS} ms. */
    static ServeConfig config(Path registryDir) {
        return ServeConfig.defaults(registryDir).withPort(0).withBatching(8, 2).withPollMs(POLL_MS);
    }

    /** Publishes {@code versions} students to the registry, then gives the properties of a server ({@link #config}) for it. */
    static Map<String, String> publishAndServe(Path registryDir, int versions) {
        StudentRegistry registry = new StudentRegistry(registryDir);
        for (int i = 0; i < versions; i++) {
            TestStudents.publish(registry);
        }
        return TestStudents.properties(config(registryDir));
    }

    /** A prediction is answered, by {@code version}. */
    static void assertServes(Http http, long version) {
        Http.Reply reply = http.postBytes("/v1/predict", TestStudents.png(5), "image/png");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("modelVersion").asLong()).isEqualTo(version);
    }

    /** One request as a client saw it; the version is -1 unless it was answered with 200. */
    record Observation(long startedNanos, long finishedNanos, int status, long version, String body) {}

    /**
     * Clients that each post one image to {@code /v1/predict} again and again, for four minutes at the most,
     * until {@link #finish} or {@link #close}; every reply is kept in {@link #observations}.
     */
    static final class Load implements AutoCloseable {
        final Queue<Observation> observations = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService clients;
        private final List<Future<?>> running = new ArrayList<>();

        Load(Http http, byte[] png, int clientCount) {
            clients = Executors.newFixedThreadPool(clientCount);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            for (int c = 0; c < clientCount; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get() && System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        Http.Reply reply = http.postBytes("/v1/predict", png, "image/png");
                        long version = reply.status() == 200 ? reply.json().get("modelVersion").asLong() : -1;
                        observations.add(new Observation(started, System.nanoTime(), reply.status(), version, reply.body()));
                    }
                }));
            }
        }

        /** Stops the clients and waits for their last requests, so that {@link #observations} is complete. */
        void finish() throws Exception {
            stop.set(true);
            for (Future<?> worker : running) {
                worker.get(120, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            clients.shutdownNow();
        }
    }
}

package dev.imed.deploy.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.TestStudents;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.ModelLoader;
import dev.imed.deploy.model.ServedModel;
import dev.imed.model.registry.StudentRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Batches form from requests in flight, respect maxBatch and model boundaries, and give each request its own rows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicBatcherTest {
    /** Completes results on the batcher thread itself; the server names the request's event loop instead. */
    private static final Executor DIRECT = Runnable::run;
    private final LiveModel first = new LiveModel();
    private final LiveModel second = new LiveModel();
    private Path firstDir;
    private final List<BufferedImage> digits = new ArrayList<>();

    @BeforeAll
    void load(@TempDir Path registryDir) {
        StudentRegistry registry = new StudentRegistry(registryDir);
        firstDir = TestStudents.publish(registry).dir();
        Path secondDir = TestStudents.publish(registry).dir();
        first.swap(new ModelLoader().load(1, firstDir));
        second.swap(new ModelLoader().load(2, secondDir));
        for (int i = 0; i < 20; i++) {
            digits.add(TestStudents.digit(i * 211));
        }
    }

    @AfterAll
    void close() {
        first.close();
        second.close();
    }

    @Test
    void requestsPreparedTogetherShareForwardPassesOfAtMostMaxBatch() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(8, 1000), (images, requests, nanos) -> batchSizes.add(images))) {
            // All 20 announce themselves before any is queued, as concurrent requests still decoding would.
            List<DynamicBatcher.Arrival> arrivals = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                arrivals.add(batcher.expect());
            }
            List<CompletableFuture<Scores>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(arrivals.get(i).submit(retained(first), tensor(i), 1, DIRECT));
            }
            float[] expected = TestStudents.offlineProbabilities(firstDir, digits);
            for (int i = 0; i < 20; i++) {
                Scores scores = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(scores.count()).isEqualTo(1);
                assertThat(scores.modelVersion()).isEqualTo(1);
                for (int c = 0; c < 10; c++) {
                    assertThat(scores.probability(0, c)).as("image %d class %d", i, c).isCloseTo(expected[i * 10 + c], within(1e-5f));
                }
            }
        }
        assertThat(batchSizes).containsExactly(8, 8, 4);
    }

    @Test
    void aLoneRequestIsNotHeldBackForTheMaximumDelay() throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(32, 5_000), BatchListener.NONE)) {
            long start = System.nanoTime();
            try (DynamicBatcher.Arrival arrival = batcher.expect()) {
                arrival.submit(retained(first), tensor(0), 1, DIRECT).get(30, TimeUnit.SECONDS);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        }
    }

    @Test
    void aLoneRequestRunsOnItsCallersThreadWithoutAHandOver() throws Exception {
        List<String> forwardThreads = new CopyOnWriteArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(32, 5_000),
                (images, requests, nanos) -> forwardThreads.add(Thread.currentThread().getName()))) {
            CompletableFuture<List<Boolean>> answeredAtOnce = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                List<Boolean> done = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    try (DynamicBatcher.Arrival arrival = batcher.expect()) {
                        done.add(arrival.submit(retained(first), tensor(i), 1, DIRECT).isDone());
                    }
                }
                answeredAtOnce.complete(done);
            }, "test-caller");
            caller.start();
            assertThat(answeredAtOnce.get(30, TimeUnit.SECONDS)).as("answered before submit returned").containsExactly(true, true, true);
        }
        assertThat(forwardThreads).containsExactly("test-caller", "test-caller", "test-caller");
    }

    @Test
    void requestsArrivingDuringALoneForwardPassQueueAndFormOneBatch() throws Exception {
        List<String> batches = new CopyOnWriteArrayList<>();
        CountDownLatch loneForwardRunning = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        BatchListener listener = (images, requests, nanos) -> {
            batches.add(images + " on " + Thread.currentThread().getName());
            if (Thread.currentThread().getName().equals("lone-caller")) {
                // Holds the forward pass open, as a slow one would, until the others have been submitted.
                loneForwardRunning.countDown();
                try {
                    othersQueued.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(8, 1000), listener)) {
            CompletableFuture<CompletableFuture<Scores>> lone = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try (DynamicBatcher.Arrival arrival = batcher.expect()) {
                    lone.complete(arrival.submit(retained(first), tensor(0), 1, DIRECT));
                }
            }, "lone-caller");
            caller.start();
            assertThat(loneForwardRunning.await(30, TimeUnit.SECONDS)).isTrue();
            List<DynamicBatcher.Arrival> arrivals = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                arrivals.add(batcher.expect());
            }
            List<CompletableFuture<Scores>> results = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                results.add(arrivals.get(i - 1).submit(retained(first), tensor(i), 1, DIRECT));
            }
            othersQueued.countDown();
            assertThat(lone.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS).count()).isEqualTo(1);
            for (CompletableFuture<Scores> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).count()).isEqualTo(1);
            }
            caller.join(30_000);
        }
        assertThat(batches).as("one forward pass at a time: the others waited for the lone one, then went together")
                .containsExactly("1 on lone-caller", "3 on imed-batcher");
    }

    @Test
    void afterRequestsOverlapALoneOneGoesThroughTheBatcherUntilAQuietSpell() throws Exception {
        List<String> forwardThreads = new CopyOnWriteArrayList<>();
        long quiet = TimeUnit.SECONDS.toNanos(3);
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(8, 1000).withQuietNanos(quiet),
                (images, requests, nanos) -> forwardThreads.add(images + " on " + Thread.currentThread().getName()))) {
            DynamicBatcher.Arrival a = batcher.expect();
            DynamicBatcher.Arrival b = batcher.expect();
            long overlapped = System.nanoTime();
            CompletableFuture<Scores> first2 = a.submit(retained(first), tensor(0), 1, DIRECT);
            CompletableFuture<Scores> second2 = b.submit(retained(first), tensor(1), 1, DIRECT);
            first2.get(30, TimeUnit.SECONDS);
            second2.get(30, TimeUnit.SECONDS);
            try (DynamicBatcher.Arrival lone = batcher.expect()) {
                lone.submit(retained(first), tensor(2), 1, DIRECT).get(30, TimeUnit.SECONDS);
            }
            assumeThat(System.nanoTime() - overlapped).as("the machine did not stall this test beyond the quiet spell").isLessThan(quiet);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(quiet) + 200);
            try (DynamicBatcher.Arrival lone = batcher.expect()) {
                lone.submit(retained(first), tensor(3), 1, DIRECT).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(forwardThreads).containsExactly("2 on imed-batcher", "1 on imed-batcher",
                "1 on " + Thread.currentThread().getName());
    }

    @Test
    void requestsForDifferentModelVersionsNeverShareABatch() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(16, 1000), (images, requests, nanos) -> batchSizes.add(images))) {
            List<DynamicBatcher.Arrival> arrivals = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                arrivals.add(batcher.expect());
            }
            List<CompletableFuture<Scores>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(arrivals.get(i).submit(retained(i < 3 ? first : second), tensor(i), 1, DIRECT));
            }
            for (int i = 0; i < 6; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS).modelVersion()).isEqualTo(i < 3 ? 1 : 2);
            }
        }
        assertThat(batchSizes).containsExactly(3, 3);
    }

    @Test
    void aMultiImageRequestGetsItsOwnRows() throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(16, 1000), BatchListener.NONE)) {
            DynamicBatcher.Arrival a = batcher.expect();
            DynamicBatcher.Arrival b = batcher.expect();
            float[] three = TestStudents.tensor(InputSpec.digits(), digits.subList(0, 3));
            CompletableFuture<Scores> first3 = a.submit(retained(first), three, 3, DIRECT);
            CompletableFuture<Scores> fourth = b.submit(retained(first), tensor(3), 1, DIRECT);
            float[] expected = TestStudents.offlineProbabilities(firstDir, digits.subList(0, 4));
            Scores threeScores = first3.get(30, TimeUnit.SECONDS);
            assertThat(threeScores.count()).isEqualTo(3);
            for (int i = 0; i < 30; i++) {
                assertThat(threeScores.probabilities()[i]).isCloseTo(expected[i], within(1e-5f));
            }
            float[] fourthProbabilities = fourth.get(30, TimeUnit.SECONDS).probabilities();
            for (int c = 0; c < 10; c++) {
                assertThat(fourthProbabilities[c]).isCloseTo(expected[30 + c], within(1e-5f));
            }
        }
    }

    @Test
    void everySubmittedModelReferenceIsReleased() throws Exception {
        ServedModel model = new ModelLoader().load(1, firstDir);
        LiveModel live = new LiveModel();
        live.swap(model);
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(4, 10), BatchListener.NONE)) {
            List<CompletableFuture<Scores>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try (DynamicBatcher.Arrival arrival = batcher.expect()) {
                    results.add(arrival.submit(retained(live), tensor(i), 1, DIRECT));
                }
            }
            for (CompletableFuture<Scores> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(model.isClosed()).isFalse();
        live.close();
        assertThat(model.isClosed()).as("the batcher gave back every reference it took over").isTrue();
    }

    @Test
    void resultsCompleteOnTheExecutorEachRequestNamed() throws Exception {
        ExecutorService responder = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-responder"));
        CountDownLatch gate = new CountDownLatch(1);
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(8, 1000), BatchListener.NONE)) {
            // The responder runs nothing else until every dependent stage below is registered, so each
            // stage runs where its result is completed: on the responder if the batcher handed it over.
            responder.execute(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<CompletableFuture<String>> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (DynamicBatcher.Arrival arrival = batcher.expect()) {
                    threads.add(arrival.submit(retained(first), tensor(i), 1, responder)
                            .thenApply(scores -> Thread.currentThread().getName()));
                }
            }
            gate.countDown();
            for (CompletableFuture<String> thread : threads) {
                assertThat(thread.get(30, TimeUnit.SECONDS)).isEqualTo("test-responder");
            }
        } finally {
            responder.shutdownNow();
        }
    }

    private float[] tensor(int image) {
        return TestStudents.tensor(InputSpec.digits(), List.of(digits.get(image)));
    }

    /** A reference for one job, taken as a request takes it. */
    private static ServedModel retained(LiveModel live) {
        return live.acquire().orElseThrow();
    }

    @Test
    void aJobWhoseCallerHasGoneIsSkipped() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<Integer> skipped = new CopyOnWriteArrayList<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void batchDone(int images, int requests, long forwardNanos) {
                batchSizes.add(images);
            }

            @Override
            public void jobsSkipped(int jobs) {
                skipped.add(jobs);
            }
        };
        // maxBatch 2 and a minute's delay: with a request still "being prepared", the batch waits for its second job.
        try (DynamicBatcher batcher = new DynamicBatcher(BatchPolicy.of(2, 60_000), listener)) {
            DynamicBatcher.Arrival holding = batcher.expect();
            CompletableFuture<Scores> gone = batcher.expect().submit(retained(first), tensor(0), 1, DIRECT);
            gone.cancel(false); // the caller timed out or disconnected
            CompletableFuture<Scores> waiting = batcher.expect().submit(retained(first), tensor(1), 1, DIRECT);
            assertThat(waiting.get(60, TimeUnit.SECONDS).count()).isEqualTo(1);
            holding.close();
        }
        assertThat(skipped).containsExactly(1);
        assertThat(batchSizes).as("the forward pass ran for the waiting job alone").containsExactly(1);
    }
}

package dev.imed.deploy.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.model.Softmax;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.Rejected;
import dev.imed.deploy.model.ServedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups requests into batches and runs one forward pass per batch on its own thread.
 *
 * <p>A batch starts with the oldest waiting request and takes the following ones while they fit in
 * {@code maxBatch} images, were prepared for the same model version and the oldest has waited less
 * than {@code maxDelay}. It waits for more only while other requests are still being prepared
 * ({@link #expect()}): a lone request is not held back for company that is not coming.
 *
 * <p>A request that finds the server otherwise empty — nothing queued, nothing being gathered into a
 * batch or being prepared, no forward pass running — and that comes after a quiet spell (no two
 * requests have overlapped for {@link BatchPolicy#quietNanos()}, 10 ms by default) does not go
 * through the queue at all: its caller (the connection's event loop) runs its forward pass of one
 * right away. Handing it to the batcher thread and its result back would cost two thread wake-ups,
 * for a batch that could not have grown anyway: a batch only grows with requests that are already
 * waiting or on their way. The quiet spell
 * keeps this to sequential traffic: under concurrent load the server is empty only for instants, and a
 * forward pass run on an event loop then would hold up the requests of that loop's other connections,
 * which would otherwise be decoded meanwhile and join the next batch. One forward pass runs at a time,
 * whoever runs it ({@link #forwarding}).
 *
 * <p>The batcher thread only runs forward passes: each request's result is handed to the executor the
 * request named (its connection's event loop), where the response is built and written, so that work
 * runs in parallel across event loops instead of delaying the next batch.
 *
 * <p>Each job carries a reference to the model it was preprocessed for; the batcher releases it once
 * the batch is done, so a model swapped out meanwhile stays open until then.
 */
public final class DynamicBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
    /** While others are being prepared the batcher looks at the queue this often. */
    private static final long WAIT_SLICE_NANOS = 200_000;

    private final BatchPolicy policy;
    private final BatchListener listener;
    private final BlockingQueue<Job> queue;
    private final AtomicInteger preparing = new AtomicInteger();
    /** Jobs submitted and not yet in a forward pass: queued, carried over, or gathered into a forming batch. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Held for the length of a forward pass, by the batcher thread or by a caller running a lone request. */
    private final ReentrantLock forwarding = new ReentrantLock();
    /** When a request last found others waiting, being prepared or running (System.nanoTime()). */
    private volatile long lastOverlapNanos;
    private final Thread thread;
    private volatile boolean running = true;
    private Job carried;

    public DynamicBatcher(BatchPolicy policy, BatchListener listener) {
        this.policy = policy;
        this.listener = listener;
        this.queue = new LinkedBlockingQueue<>(policy.queueCapacity());
        this.lastOverlapNanos = System.nanoTime() - policy.quietNanos();
        this.thread = new Thread(this::loop, "imed-batcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public BatchPolicy policy() {
        return policy;
    }

    /**
     * Announces a request that is being prepared, so that a forming batch waits for it. Close the
     * returned arrival (try-with-resources) whether or not it is submitted.
     */
    public Arrival expect() {
        preparing.incrementAndGet();
        return new Arrival();
    }

    /** A request on its way to the queue. */
    public final class Arrival implements AutoCloseable {
        private boolean counted = true;

        private Arrival() {}

        /**
         * Queues {@code count} preprocessed images ({@code count × C × H × W} floats) for {@code model},
         * or runs their forward pass on the calling thread when nothing else is waiting or running (see
         * the class comment); the batcher takes over the caller's reference to the model and releases it
         * when done. The future completes on {@code respondOn} either way.
         */
        public CompletableFuture<Scores> submit(ServedModel model, float[] images, int count, Executor respondOn) {
            InputSpec spec = model.inputSpec();
            if (count < 1 || images.length != count * spec.pixelsPerImage()) {
                close();
                model.release();
                throw new IllegalArgumentException(count + " images need " + count * spec.pixelsPerImage()
                        + " floats, got " + images.length);
            }
            Job job = new Job(model, images, count, respondOn, System.nanoTime(), new CompletableFuture<>());
            // Counted as waiting before it stops counting as being prepared: a forming batch sees it all along.
            waiting.incrementAndGet();
            close();
            if (running && runAlone(job)) {
                return job.result;
            }
            try {
                if (!running) {
                    waiting.decrementAndGet();
                    throw new Rejected(Rejected.Kind.NOT_READY, "the server is shutting down");
                }
                if (!queue.offer(job)) {
                    waiting.decrementAndGet();
                    throw new Rejected(Rejected.Kind.BUSY, "the server is busy: " + policy.queueCapacity()
                            + " requests are already waiting, retry shortly");
                }
                // close() may have drained the queue between the check above and the offer.
                if (!running && queue.remove(job)) {
                    waiting.decrementAndGet();
                    throw new Rejected(Rejected.Kind.NOT_READY, "the server is shutting down");
                }
            } catch (RuntimeException e) {
                model.release();
                throw e;
            }
            return job.result;
        }

        @Override
        public void close() {
            if (counted) {
                counted = false;
                preparing.decrementAndGet();
            }
        }
    }

    private record Job(ServedModel model, float[] images, int count, Executor respondOn, long enqueuedNanos,
                       CompletableFuture<Scores> result) {

        void complete(Scores scores) {
            handOver(() -> result.complete(scores));
        }

        void fail(Throwable error) {
            handOver(() -> result.completeExceptionally(error));
        }

        private void handOver(Runnable completion) {
            try {
                respondOn.execute(completion);
            } catch (RuntimeException e) {
                // The executor is shutting down: complete here rather than leave the request hanging.
                completion.run();
            }
        }
    }

    /**
     * Runs {@code job} (counted as waiting) on the calling thread if the batcher has nothing else to do
     * — no other job waiting or being gathered, none being prepared, no forward pass running — and no
     * two requests have overlapped for {@link BatchPolicy#quietNanos()}. False (and nothing done)
     * otherwise; finding others here counts as an overlap. A request arriving just after the check
     * finds the forward pass running and queues: it waits for one lone forward pass, as it would for a
     * batch the batcher thread had started.
     */
    private boolean runAlone(Job job) {
        if (waiting.get() != 1 || preparing.get() != 0 || !forwarding.tryLock()) {
            lastOverlapNanos = System.nanoTime();
            return false;
        }
        if (System.nanoTime() - lastOverlapNanos < policy.quietNanos()) {
            forwarding.unlock();
            return false;
        }
        try {
            waiting.decrementAndGet();
            run(List.of(job));
        } finally {
            forwarding.unlock();
        }
        return true;
    }

    private void loop() {
        while (running) {
            try {
                Job first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                // Taken before the batch is gathered, so that what queues while a lone request's forward pass
                // runs on its caller's thread joins this batch. Not interruptible: that pass ends soon, and the
                // job taken must be run (or failed) rather than dropped.
                forwarding.lock();
                try {
                    List<Job> batch = gather(first);
                    waiting.addAndGet(-batch.size());
                    run(batch);
                } finally {
                    forwarding.unlock();
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException | Error e) {
                // run() completes its jobs itself; this only guards the loop from dying.
                LOG.error("batcher loop error", e);
            }
        }
    }

    /** A batch starting with {@code first}; interrupted (the batcher is closing), it stops gathering. */
    private List<Job> gather(Job first) {
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        int images = first.count();
        long deadline = first.enqueuedNanos() + policy.maxDelayNanos();
        while (images < policy.maxBatch()) {
            Job next = queue.poll();
            if (next == null) {
                long remaining = deadline - System.nanoTime();
                // Jobs counted as waiting beyond those gathered here are on their way into the queue.
                if (remaining <= 0 || (preparing.get() == 0 && waiting.get() <= batch.size())) {
                    break;
                }
                try {
                    next = queue.poll(Math.min(remaining, WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (next == null) {
                    continue;
                }
            }
            if (next.model() != first.model() || images + next.count() > policy.maxBatch()) {
                carried = next;
                break;
            }
            batch.add(next);
            images += next.count();
        }
        return batch;
    }

    /**
     * Runs one batch. Jobs already completed (their caller timed out or gave up) are skipped: a forward
     * pass for an answer nobody waits for would only delay those who do.
     */
    private void run(List<Job> candidates) {
        List<Job> batch = new ArrayList<>(candidates.size());
        int skipped = 0;
        for (Job job : candidates) {
            if (job.result().isDone()) {
                job.model().release();
                skipped++;
            } else {
                batch.add(job);
            }
        }
        if (skipped > 0) {
            listener.jobsSkipped(skipped);
        }
        if (batch.isEmpty()) {
            return;
        }
        ServedModel model = batch.get(0).model();
        InputSpec spec = model.inputSpec();
        int perImage = spec.pixelsPerImage();
        int images = 0;
        for (Job job : batch) {
            images += job.count();
        }
        try {
            float[] input = new float[images * perImage];
            int offset = 0;
            for (Job job : batch) {
                System.arraycopy(job.images(), 0, input, offset, job.images().length);
                offset += job.images().length;
            }
            long start = System.nanoTime();
            float[] logits;
            try (NDManager scratch = model.student().manager().newSubManager()) {
                NDArray x = scratch.create(input, new Shape(images, spec.channels(), spec.height(), spec.width()));
                logits = model.student().logits(x).toFloatArray();
            }
            listener.batchDone(images, batch.size(), System.nanoTime() - start);
            int classes = model.classCount();
            // The softmax of a few classes per row is cheaper here than as a second native call and read-back.
            float[] probabilities = Softmax.rows(logits, classes);
            int row = 0;
            for (Job job : batch) {
                int from = row * classes;
                int to = (row + job.count()) * classes;
                job.complete(new Scores(model.version(), model.classNames(), job.count(),
                        Arrays.copyOfRange(logits, from, to), Arrays.copyOfRange(probabilities, from, to)));
                row += job.count();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("forward pass of {} images on student version {} failed", images, model.version(), e);
            for (Job job : batch) {
                job.fail(e);
            }
        } finally {
            for (Job job : batch) {
                job.model().release();
            }
        }
    }

    /** Stops the batcher thread; requests still queued fail as not ready. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Job> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
            carried = null;
        }
        queue.drainTo(left);
        waiting.addAndGet(-left.size());
        for (Job job : left) {
            job.fail(new Rejected(Rejected.Kind.NOT_READY, "the server is shutting down"));
            job.model().release();
        }
    }
}

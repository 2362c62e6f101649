package dev.imed.deploy.batch;

/**
 * How requests are grouped.
 *
 * @param maxBatch the most images in one forward pass
 * @param maxDelayNanos how long the oldest request of a batch may wait for others
 * @param queueCapacity how many requests may wait before new ones are turned away as busy
 */
public record BatchPolicy(int maxBatch, long maxDelayNanos, int queueCapacity) {

    public BatchPolicy {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (maxDelayNanos < 0) {
            throw new IllegalArgumentException("maxDelay must not be negative");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
    }

    /** A queue deep enough for 64 full batches, at least 1024 requests. */
    public static BatchPolicy of(int maxBatch, long maxDelayMs) {
        return new BatchPolicy(maxBatch, maxDelayMs * 1_000_000L, Math.max(1024, 64 * maxBatch));
    }
}

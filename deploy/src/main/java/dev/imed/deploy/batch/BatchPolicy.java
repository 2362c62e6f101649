package dev.imed.deploy.batch;

/**
 * How requests are grouped.
 *
 * @param maxBatch the most images in one forward pass
 * @param maxDelayNanos how long the oldest request of a batch may wait for others
 * @param queueCapacity how many requests may wait before new ones are turned away as busy
 * @param quietNanos how long after two requests last overlapped a lone request still goes through the
 *        batcher thread rather than running its forward pass on its caller's thread (see {@link DynamicBatcher})
 */
public record BatchPolicy(int maxBatch, long maxDelayNanos, int queueCapacity, long quietNanos) {
    /**
     * Well above a forward pass and a round trip (~1 ms), so that clients keeping several requests in
     * flight never let it lapse, and short enough that a server whose traffic turns sequential answers
     * at concurrency-1 speed almost at once.
     */
    public static final long DEFAULT_QUIET_NANOS = 10_000_000;

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
        if (quietNanos < 0) {
            throw new IllegalArgumentException("quietNanos must not be negative");
        }
    }

    /** A queue deep enough for 64 full batches, at least 1024 requests; the default quiet spell. */
    public static BatchPolicy of(int maxBatch, long maxDelayMs) {
        return new BatchPolicy(maxBatch, maxDelayMs * 1_000_000L, Math.max(1024, 64 * maxBatch), DEFAULT_QUIET_NANOS);
    }

    public BatchPolicy withQuietNanos(long newQuietNanos) {
        return new BatchPolicy(maxBatch, maxDelayNanos, queueCapacity, newQuietNanos);
    }
}

package dev.imed.deploy.batch;

/** Told about every forward pass, for metrics. */
@FunctionalInterface
public interface BatchListener {
    void batchDone(int images, int requests, long forwardNanos);

    /** Jobs taken from the queue but not run, because their caller had timed out or gone. */
    default void jobsSkipped(int jobs) {
    }

    BatchListener NONE = (images, requests, forwardNanos) -> { };
}

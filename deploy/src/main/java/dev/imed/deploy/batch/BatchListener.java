package dev.imed.deploy.batch;

/** Told about every forward pass, for metrics. */
@FunctionalInterface
public interface BatchListener {
    void batchDone(int images, int requests, long forwardNanos);

    BatchListener NONE = (images, requests, forwardNanos) -> { };
}

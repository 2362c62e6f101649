package dev.imed.deploy.model;

/** A registry version that failed its checks and will not be served. */
public final class ModelRejected extends RuntimeException {
    public ModelRejected(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.imed.core.bundle;

/** A bundle that cannot be written or loaded: the message names the bundle and what is wrong. */
public class BundleException extends RuntimeException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}

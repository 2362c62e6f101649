package dev.imed.streaming;

/** The stream job could not start, or failed for good (after its restarts). */
public final class StreamJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamJobException(String message) {
        super(message);
    }

    public StreamJobException(String message, Throwable cause) {
        super(message, cause);
    }
}

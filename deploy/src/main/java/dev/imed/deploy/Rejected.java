package dev.imed.deploy;

/**
 * A request the server will not or cannot serve, with the reason a client needs to fix it. Every
 * {@link Kind} maps to one HTTP status, so a client error never surfaces as a 500.
 */
public final class Rejected extends RuntimeException {

    /** Why a request was turned down, with its HTTP status. */
    public enum Kind {
        INVALID(400),
        UNAUTHORIZED(401),
        UNKNOWN_MODEL(404),
        TOO_LARGE(413),
        UNSUPPORTED_MEDIA_TYPE(415),
        UNPROCESSABLE(422),
        NOT_READY(503),
        BUSY(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public Rejected(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return kind.status();
    }

    public static Rejected invalid(String message) {
        return new Rejected(Kind.INVALID, message);
    }
}

package dev.imed.streaming.decode;

import dev.imed.core.image.GuardedImageDecoder;

/**
 * An input the job could not use, written to the dead-letter output as one JSON line.
 *
 * @param path the file
 * @param reason a short code: {@code empty}, {@code too-large}, {@code too-many-pixels},
 *     {@code not-an-image}, {@code undecodable}, {@code unreadable} or {@code non-finite-output}
 * @param detail what exactly was wrong, for people
 * @param bytes the file's size
 */
public record DeadLetter(String path, String reason, String detail, long bytes) {
    public static final String EMPTY = "empty";
    public static final String TOO_MANY_PIXELS = "too-many-pixels";
    public static final String NOT_AN_IMAGE = "not-an-image";
    public static final String UNDECODABLE = "undecodable";
    /** The teacher's output for the image was NaN or infinite (a poisoned record). */
    public static final String NON_FINITE_OUTPUT = "non-finite-output";

    /** The reason code of a file the decoder refused; an image with no pixels is as useless as a corrupt one. */
    public static String reasonFor(GuardedImageDecoder.Problem problem) {
        return switch (problem) {
            case EMPTY -> DeadLetter.EMPTY;
            case NOT_AN_IMAGE -> DeadLetter.NOT_AN_IMAGE;
            case CORRUPT, EMPTY_DIMENSIONS -> DeadLetter.UNDECODABLE;
            case TOO_MANY_PIXELS -> DeadLetter.TOO_MANY_PIXELS;
        };
    }
}

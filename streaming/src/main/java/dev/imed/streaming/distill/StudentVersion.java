package dev.imed.streaming.distill;

/**
 * A student version the job published, one line of the {@code students} output.
 *
 * @param version the registry version
 * @param path its bundle directory
 * @param steps training steps the stream had taken
 * @param imagesSeen images it had learned from
 * @param restoredFromStep the step the training resumed from after a restore (0: no restore)
 * @param agreement recent agreement of student and teacher on the stream (before each update)
 * @param publishedAt epoch milliseconds
 */
public record StudentVersion(long version, String path, long steps, long imagesSeen, long restoredFromStep, double agreement,
                             long publishedAt) {}

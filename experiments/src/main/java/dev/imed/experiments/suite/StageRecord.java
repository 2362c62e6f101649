package dev.imed.experiments.suite;

import java.nio.file.Path;

/**
 * What one stage did.
 *
 * @param stage the stage
 * @param reused whether its result was already on disk (nothing was trained or evaluated)
 * @param seconds how long it took
 * @param output the bundle or file it produced
 */
public record StageRecord(Stage stage, boolean reused, double seconds, Path output) {}

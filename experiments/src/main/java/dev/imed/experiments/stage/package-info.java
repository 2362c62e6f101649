/**
 * The stage cache every suite and sweep shares: a stage (a component, a teacher, a student, an evaluation) is
 * named by a content-addressed {@link dev.imed.experiments.stage.StageKey} (its configuration and the digests
 * of what it was made from) and kept by {@link dev.imed.experiments.stage.StageCache} under that name, written
 * atomically, so a killed run continues from its last finished stage and a finished one reruns for free.
 */
package dev.imed.experiments.stage;

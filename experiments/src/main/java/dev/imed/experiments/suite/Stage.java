package dev.imed.experiments.suite;

/**
 * One step of a suite: a model to train (or reuse) or the evaluation of a task and seed.
 *
 * @param kind what the step makes
 * @param what e.g. the UDA method of a component
 * @param task the task name
 * @param seed the seed
 * @param iterations its training budget (0 for evaluation), which weighs it in the ETA
 */
public record Stage(StageKind kind, String what, String task, long seed, int iterations) {

    public String describe() {
        return kind.label() + (what == null || what.isEmpty() ? "" : " " + what) + " · " + task + " · seed " + seed;
    }
}

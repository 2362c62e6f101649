package dev.imed.fusion.layeringfixture;

import dev.imed.experiments.task.Task;

/** A deliberate back-edge, fusion → experiments (a stage library using the orchestration), for {@code LayeringRulesCanFailTest}. */
public final class StageReachingIntoExperiments {
    private StageReachingIntoExperiments() {}

    public static Task task() {
        return null;
    }
}

package dev.imed.experiments.suite;

/** The stages of one task and seed, in the order they run. */
public enum StageKind {
    COMPONENT("component"),
    TEACHER("teacher"),
    STUDENT("student"),
    SOURCE_ONLY_STUDENT("source-only student"),
    EVALUATION("evaluation");

    private final String label;

    StageKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

package dev.imed.experiments.cost;

/**
 * What one model costs to run.
 *
 * @param model what is measured, e.g. {@code IMED teacher}
 * @param description its make-up, e.g. {@code 3 × resnet50 components + imed fusion}
 * @param parameters the number of parameters
 * @param multiplyAdds multiply-adds per image, or null when they cannot be counted (a TorchScript backbone)
 * @param latencyMs median CPU latency of one image (batch of 1), in milliseconds
 * @param note how the figures were obtained, where it matters
 */
public record ModelCost(String model, String description, long parameters, Long multiplyAdds, double latencyMs, String note) {
    /** The models a suite's cost table measures. */
    public static final String COMPONENT = "one component";
    public static final String TEACHER = "IMED teacher";
    public static final String STUDENT = "IMED student";
}

package dev.imed.deploy.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The answer of {@code /v1/predict}.
 *
 * @param label the predicted class index
 * @param className the predicted class name
 * @param topK the most probable classes, most probable first
 * @param modelVersion the registry version of the student that answered
 * @param latencyMs time spent in the server, from receiving the request to answering
 */
@Schema(description = "A prediction for one image")
public record Prediction(int label, String className, List<ClassProbability> topK, long modelVersion, double latencyMs) {

    /** One class and its softmax probability. */
    @Schema(description = "A class and its probability")
    public record ClassProbability(int label, String className, double probability) {}
}

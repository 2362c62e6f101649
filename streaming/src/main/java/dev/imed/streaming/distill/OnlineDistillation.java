package dev.imed.streaming.distill;

import dev.imed.distill.train.DistillationLoss;
import dev.imed.ensemble.train.LearningRate;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the student learns on the stream: target images only, so the loss is the pure
 * distillation loss (no source term).
 *
 * @param batchSize images per training step
 * @param publishEvery steps between published versions
 * @param lr base learning rate, annealed over the steps as in offline distillation
 * @param lrGamma γ of the annealing
 * @param momentum Nesterov momentum
 * @param weightDecay weight decay
 * @param temperature T of the distillation loss
 * @param logitWeight β4
 * @param featureWeight β3
 */
public record OnlineDistillation(int batchSize, int publishEvery, float lr, float lrGamma, float momentum,
                                 float weightDecay, float temperature, float logitWeight, float featureWeight)
        implements Serializable {

    public OnlineDistillation {
        if (batchSize < 2) {
            // The student's batch norm needs at least two images per step.
            throw new IllegalArgumentException("the training batch needs at least 2 images, got " + batchSize);
        }
        if (publishEvery <= 0) {
            throw new IllegalArgumentException("publishEvery must be positive: " + publishEvery);
        }
    }

    /** Offline distillation's optimiser settings, 32 images per step, a version every 50 steps. */
    public static OnlineDistillation defaults() {
        DistillationLoss loss = DistillationLoss.defaults();
        return new OnlineDistillation(32, 50, 0.01f, 0.001f, 0.9f, 5e-4f, loss.temperature(), loss.logitWeight(),
                loss.featureWeight());
    }

    public OnlineDistillation withBatchSize(int n) {
        return new OnlineDistillation(n, publishEvery, lr, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight);
    }

    public OnlineDistillation withPublishEvery(int steps) {
        return new OnlineDistillation(batchSize, steps, lr, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight);
    }

    public OnlineDistillation withLr(float rate) {
        return new OnlineDistillation(batchSize, publishEvery, rate, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight);
    }

    public DistillationLoss loss() {
        return new DistillationLoss(temperature, logitWeight, featureWeight);
    }

    public LearningRate rate() {
        return new LearningRate(lr, lrGamma, 0.75f);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("batchSize", batchSize);
        map.put("publishEvery", publishEvery);
        map.put("lr", lr);
        map.put("lrGamma", lrGamma);
        map.put("momentum", momentum);
        map.put("weightDecay", weightDecay);
        map.put("temperature", temperature);
        map.put("beta4Logits", logitWeight);
        map.put("beta3Features", featureWeight);
        return map;
    }
}

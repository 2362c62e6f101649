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
 * @param holdoutEvery every this many-th streamed image is held out of training for the quality gate's
 *        window (0: none, and no gate: every version is published, as for tests of other things)
 * @param window the most held-out images kept, the most recent ones
 * @param gateEpsilon the most points of agreement with the teacher a version may lose against the published one
 * @param gateMinEntropyRatio the least entropy of a version's predicted-class histogram, relative to the teacher's
 */
public record OnlineDistillation(int batchSize, int publishEvery, float lr, float lrGamma, float momentum,
                                 float weightDecay, float temperature, float logitWeight, float featureWeight,
                                 int holdoutEvery, int window, double gateEpsilon, double gateMinEntropyRatio)
        implements Serializable {

    public OnlineDistillation {
        if (batchSize < 2) {
            // The student's batch norm needs at least two images per step.
            throw new IllegalArgumentException("the training batch needs at least 2 images, got " + batchSize);
        }
        if (publishEvery <= 0) {
            throw new IllegalArgumentException("publishEvery must be positive: " + publishEvery);
        }
        if (holdoutEvery < 0 || holdoutEvery == 1) {
            throw new IllegalArgumentException("holdoutEvery must be 0 (no gate) or at least 2, got " + holdoutEvery);
        }
        if (holdoutEvery > 0 && window < dev.imed.model.registry.QualityGate.MIN_WINDOW) {
            throw new IllegalArgumentException("the quality gate's window needs at least "
                    + dev.imed.model.registry.QualityGate.MIN_WINDOW + " images, got " + window);
        }
        new dev.imed.model.registry.QualityGate(gateEpsilon, gateMinEntropyRatio); // validates both
    }

    /**
     * Offline distillation's optimiser settings, 32 images per step, a version every 50 steps; every 8th
     * image held out (up to the 256 most recent) for the quality gate at its defaults (ε 1 point, entropy ratio 0.5).
     */
    public static OnlineDistillation defaults() {
        DistillationLoss loss = DistillationLoss.defaults();
        return new OnlineDistillation(32, 50, 0.01f, 0.001f, 0.9f, 5e-4f, loss.temperature(), loss.logitWeight(),
                loss.featureWeight(), 8, 256, dev.imed.model.registry.QualityGate.DEFAULT_MAX_AGREEMENT_DROP,
                dev.imed.model.registry.QualityGate.DEFAULT_MIN_ENTROPY_RATIO);
    }

    public OnlineDistillation withBatchSize(int n) {
        return new OnlineDistillation(n, publishEvery, lr, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight,
                holdoutEvery, window, gateEpsilon, gateMinEntropyRatio);
    }

    public OnlineDistillation withPublishEvery(int steps) {
        return new OnlineDistillation(batchSize, steps, lr, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight,
                holdoutEvery, window, gateEpsilon, gateMinEntropyRatio);
    }

    public OnlineDistillation withLr(float rate) {
        return new OnlineDistillation(batchSize, publishEvery, rate, lrGamma, momentum, weightDecay, temperature, logitWeight, featureWeight,
                holdoutEvery, window, gateEpsilon, gateMinEntropyRatio);
    }

    /** Holds out every {@code every}-th image, keeping the {@code size} most recent, for the quality gate. */
    public OnlineDistillation withHoldout(int every, int size) {
        return new OnlineDistillation(batchSize, publishEvery, lr, lrGamma, momentum, weightDecay, temperature, logitWeight,
                featureWeight, every, size, gateEpsilon, gateMinEntropyRatio);
    }

    public OnlineDistillation withGate(double epsilon, double minEntropyRatio) {
        return new OnlineDistillation(batchSize, publishEvery, lr, lrGamma, momentum, weightDecay, temperature, logitWeight,
                featureWeight, holdoutEvery, window, epsilon, minEntropyRatio);
    }

    /** No held-out images and no quality gate: every version is published (for tests of other things). */
    public OnlineDistillation withoutGate() {
        return withHoldout(0, window);
    }

    public boolean gated() {
        return holdoutEvery > 0;
    }

    public dev.imed.model.registry.QualityGate gate() {
        return new dev.imed.model.registry.QualityGate(gateEpsilon, gateMinEntropyRatio);
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
        map.put("holdoutEvery", holdoutEvery);
        map.put("gateWindow", window);
        map.put("gateEpsilon", gateEpsilon);
        map.put("gateMinEntropyRatio", gateMinEntropyRatio);
        return map;
    }
}

package dev.imed.distill.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a student is distilled.
 *
 * @param teacher the teacher bundle, or null for a student trained on the source alone (for contrast)
 * @param source source domain spec
 * @param target target domain spec
 * @param backbone {@code student-cnn} (digits), {@code resnet18} or {@code torchscript:FILE}
 * @param iterations the iteration budget
 * @param batchSize images per domain per step
 * @param lr base learning rate
 * @param lrGamma γ of the annealing
 * @param momentum Nesterov momentum
 * @param weightDecay weight decay
 * @param loss the distillation loss weights
 * @param seed the seed
 * @param checkpointEvery iterations between checkpoints
 */
public record DistillConfig(Path teacher, String source, String target, String backbone, int iterations, int batchSize,
                            float lr, float lrGamma, float momentum, float weightDecay, DistillationLoss loss, long seed,
                            int checkpointEvery) {

    public static DistillConfig digits(Path teacher, String source, String target) {
        return new DistillConfig(teacher, source, target, "student-cnn", 2000, 32, 0.01f, 0.001f, 0.9f, 5e-4f,
                DistillationLoss.defaults(), 0, 500);
    }

    public DistillConfig withIterations(int n) {
        return new DistillConfig(teacher, source, target, backbone, n, batchSize, lr, lrGamma, momentum, weightDecay, loss, seed, checkpointEvery);
    }

    public DistillConfig withSeed(long s) {
        return new DistillConfig(teacher, source, target, backbone, iterations, batchSize, lr, lrGamma, momentum, weightDecay, loss, s, checkpointEvery);
    }

    public DistillConfig withBackbone(String b) {
        return new DistillConfig(teacher, source, target, b, iterations, batchSize, lr, lrGamma, momentum, weightDecay, loss, seed, checkpointEvery);
    }

    public DistillConfig withLr(float l) {
        return new DistillConfig(teacher, source, target, backbone, iterations, batchSize, l, lrGamma, momentum, weightDecay, loss, seed, checkpointEvery);
    }

    public DistillConfig withTeacher(Path t) {
        return new DistillConfig(t, source, target, backbone, iterations, batchSize, lr, lrGamma, momentum, weightDecay, loss, seed, checkpointEvery);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("teacher", teacher == null ? null : teacher.toAbsolutePath().normalize().toString());
        map.put("backbone", backbone);
        map.put("iterations", iterations);
        map.put("batchSize", batchSize);
        map.put("lr", lr);
        map.put("lrGamma", lrGamma);
        map.put("momentum", momentum);
        map.put("weightDecay", weightDecay);
        map.put("temperature", loss.temperature());
        map.put("beta4Logits", loss.logitWeight());
        map.put("beta3Features", loss.featureWeight());
        return map;
    }
}

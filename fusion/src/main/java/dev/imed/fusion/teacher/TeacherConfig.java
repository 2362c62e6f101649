package dev.imed.fusion.teacher;

import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a teacher is trained over frozen components.
 *
 * @param components the component bundles
 * @param source source domain spec
 * @param target target domain spec
 * @param fusion the fusion
 * @param layers fusion layers (1, 2 or 3) for the gated fusions
 * @param iterations the iteration budget
 * @param batchSize images per domain per step
 * @param lr base learning rate
 * @param lrGamma γ of the annealing
 * @param momentum Nesterov momentum
 * @param weightDecay weight decay
 * @param mccWeight β1, the weight of MCC on the teacher's target predictions
 * @param adversarialWeight β2, the weight of the conditional adversarial loss on (f_ens, softmax(z_ens))
 * @param sam whether to use sharpness-aware minimisation
 * @param samRho SAM's neighbourhood radius
 * @param seed the seed
 * @param checkpointEvery iterations between checkpoints
 * @param targetLoss the loss on target predictions that β1 weighs (MCC in the paper)
 * @param options feature normalisation and starting from the averaging ensemble (both off in the paper)
 * @param gateLrScale the gate generators' learning rate as a multiple of {@code lr} (1 in the paper)
 */
public record TeacherConfig(List<Path> components, String source, String target, FusionKind fusion, int layers,
                            int iterations, int batchSize, float lr, float lrGamma, float momentum, float weightDecay,
                            float mccWeight, float adversarialWeight, boolean sam, float samRho, long seed,
                            int checkpointEvery, TargetLoss targetLoss, FusionOptions options, float gateLrScale) {

    public static TeacherConfig defaults(List<Path> components, String source, String target) {
        return new TeacherConfig(List.copyOf(components), source, target, FusionKind.IMED, 2, 1000, 32, 0.01f, 0.001f,
                0.9f, 5e-4f, 1f, 1f, false, 0.05f, 0, 250, TargetLoss.MCC, FusionOptions.PAPER, 1f);
    }

    public TeacherConfig withFusion(FusionKind f) {
        return new TeacherConfig(components, source, target, f, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withLayers(int l) {
        return new TeacherConfig(components, source, target, fusion, l, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withIterations(int n) {
        return new TeacherConfig(components, source, target, fusion, layers, n, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withWeights(float beta1, float beta2) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, beta1, beta2, sam, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withSam(boolean on) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, on, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withSeed(long s) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, s, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withLr(float l) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, l, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options, gateLrScale);
    }

    public TeacherConfig withTargetLoss(TargetLoss loss) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, loss, options, gateLrScale);
    }

    public TeacherConfig withGateLrScale(float scale) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options, scale);
    }

    public TeacherConfig withOptions(FusionOptions o) {
        return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum, weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, o, gateLrScale);
    }

    /**
     * The text that names a run in a cache: the record's text, less the fields added after the first
     * cached runs when they hold the paper's values, so that those runs keep their keys.
     */
    public String cacheKey() {
        String key = toString();
        String gateSuffix = ", gateLrScale=1.0]";
        if (key.endsWith(gateSuffix)) {
            key = key.substring(0, key.length() - gateSuffix.length()) + "]";
        }
        return key.replace(", targetLoss=MCC, options=paper]", "]");
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("components", components.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        map.put("fusion", fusion.id());
        map.put("layers", layers);
        map.put("iterations", iterations);
        map.put("batchSize", batchSize);
        map.put("lr", lr);
        map.put("lrGamma", lrGamma);
        map.put("momentum", momentum);
        map.put("weightDecay", weightDecay);
        map.put("beta1Mcc", mccWeight);
        if (targetLoss != TargetLoss.MCC) {
            // Only when it differs from the paper's, so that the keys of cached runs of the paper's teacher stay the same.
            map.put("targetLoss", targetLoss.id());
        }
        map.put("beta2Adversarial", adversarialWeight);
        map.putAll(options.asMap());
        if (gateLrScale != 1f) {
            map.put("gateLrScale", gateLrScale);
        }
        map.put("sam", sam);
        map.put("samRho", samRho);
        return map;
    }
}

package dev.imed.ensemble.train;

import dev.imed.core.init.Initialization;
import dev.imed.ensemble.backbone.Preprocessing;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one component is trained.
 *
 * @param method UDA method, e.g. {@code dann} or {@code cdan+mcc}
 * @param backbone backbone name ({@code lenet}, {@code resnet50}, {@code torchscript:FILE})
 * @param source source domain spec
 * @param target target domain spec
 * @param iterations the fixed iteration budget (the final iterate is the result)
 * @param batchSize images per domain per step (32 source + 32 target by default)
 * @param lr base learning rate
 * @param lrGamma γ of the annealing {@code lr·(1+γ·it)^−0.75}
 * @param momentum Nesterov momentum
 * @param weightDecay weight decay
 * @param tradeOff multiplier of each adaptation loss's own weight (1: DANN at 0.1, the others at 1)
 * @param seed the seed of initialisation and sampling
 * @param checkpointEvery iterations between checkpoints (0: none)
 * @param init how the networks' first weights are drawn (PyTorch's defaults unless told otherwise)
 * @param preprocessing how a TorchScript backbone's images are prepared and its output read, or null for the
 *     backbone's own (ImageNet's for TorchScript)
 */
public record ComponentConfig(String method, String backbone, String source, String target, int iterations,
                              int batchSize, float lr, float lrGamma, float momentum, float weightDecay,
                              float tradeOff, long seed, int checkpointEvery,
                              Initialization init, Preprocessing preprocessing) {

    /** The digits defaults: LeNet, 32 + 32, lr 0.01, γ 0.001, momentum 0.9, weight decay 5e-4. */
    public static ComponentConfig digits(String method, String source, String target) {
        return new ComponentConfig(method, "lenet", source, target, 2000, 32, 0.01f, 0.001f, 0.9f, 5e-4f, 1f, 0, 500, Initialization.PYTORCH, null);
    }

    public ComponentConfig withIterations(int n) {
        return new ComponentConfig(method, backbone, source, target, n, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withSeed(long s) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, s, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withMethod(String m) {
        return new ComponentConfig(m, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withBackbone(String b) {
        return new ComponentConfig(method, b, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withLr(float l) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, l, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withBatchSize(int b) {
        return new ComponentConfig(method, backbone, source, target, iterations, b, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withTradeOff(float t) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, t, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withCheckpointEvery(int every) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, every, init, preprocessing);
    }

    public ComponentConfig withWeightDecay(float w) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, w, tradeOff, seed, checkpointEvery, init, preprocessing);
    }

    public ComponentConfig withInit(Initialization i) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, i, preprocessing);
    }

    public ComponentConfig withPreprocessing(Preprocessing p) {
        return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum, weightDecay, tradeOff, seed, checkpointEvery, init, p);
    }

    /**
     * The record's text as it was before {@link #preprocessing} existed, with the preprocessing appended
     * only when one is set. Why: the suite names component directories, and checkpoints recognise their
     * run, by this text; a configuration without preprocessing must keep finding what it trained before.
     */
    @Override
    public String toString() {
        return "ComponentConfig[method=" + method + ", backbone=" + backbone + ", source=" + source + ", target=" + target
                + ", iterations=" + iterations + ", batchSize=" + batchSize + ", lr=" + lr + ", lrGamma=" + lrGamma
                + ", momentum=" + momentum + ", weightDecay=" + weightDecay + ", tradeOff=" + tradeOff + ", seed=" + seed
                + ", checkpointEvery=" + checkpointEvery + ", init=" + init
                + (preprocessing == null ? "" : ", preprocessing=" + preprocessing) + "]";
    }

    /** The configuration as recorded in the bundle's manifest. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("method", method);
        map.put("backbone", backbone);
        map.put("iterations", iterations);
        map.put("batchSize", batchSize);
        map.put("lr", lr);
        map.put("lrGamma", lrGamma);
        map.put("lrDecay", 0.75);
        map.put("momentum", momentum);
        map.put("nesterov", true);
        map.put("weightDecay", weightDecay);
        map.put("tradeOff", tradeOff);
        Map<String, Float> weights = new LinkedHashMap<>();
        for (dev.imed.ensemble.method.UdaMethod m : dev.imed.ensemble.method.Methods.parse(method)) {
            weights.put(m.name(), m.weight() * tradeOff);
        }
        map.put("lossWeights", weights);
        map.put("init", init.id());
        if (preprocessing != null) {
            map.put("preprocessing", preprocessing.asMap());
        }
        return map;
    }
}

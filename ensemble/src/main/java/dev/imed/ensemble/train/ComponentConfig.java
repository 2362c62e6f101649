package dev.imed.ensemble.train;

import dev.imed.core.init.Initialization;
import dev.imed.model.backbone.Preprocessing;
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
        return builder(method, source, target).build();
    }

    /** A builder at the digits defaults, for {@code method} from {@code source} to {@code target}. */
    public static Builder builder(String method, String source, String target) {
        return new Builder(method, source, target);
    }

    /** A builder holding this configuration, to change some fields of a copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ComponentConfig withIterations(int n) {
        return toBuilder().iterations(n).build();
    }

    public ComponentConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    public ComponentConfig withMethod(String m) {
        return toBuilder().method(m).build();
    }

    public ComponentConfig withBackbone(String b) {
        return toBuilder().backbone(b).build();
    }

    public ComponentConfig withLr(float l) {
        return toBuilder().lr(l).build();
    }

    public ComponentConfig withBatchSize(int b) {
        return toBuilder().batchSize(b).build();
    }

    public ComponentConfig withTradeOff(float t) {
        return toBuilder().tradeOff(t).build();
    }

    public ComponentConfig withCheckpointEvery(int every) {
        return toBuilder().checkpointEvery(every).build();
    }

    public ComponentConfig withWeightDecay(float w) {
        return toBuilder().weightDecay(w).build();
    }

    public ComponentConfig withInit(Initialization i) {
        return toBuilder().init(i).build();
    }

    public ComponentConfig withPreprocessing(Preprocessing p) {
        return toBuilder().preprocessing(p).build();
    }

    /** Builds a {@link ComponentConfig} by field name, starting from the digits defaults. */
    public static final class Builder {
        private String method;
        private String backbone = "lenet";
        private String source;
        private String target;
        private int iterations = 2000;
        private int batchSize = 32;
        private float lr = 0.01f;
        private float lrGamma = 0.001f;
        private float momentum = 0.9f;
        private float weightDecay = 5e-4f;
        private float tradeOff = 1f;
        private long seed;
        private int checkpointEvery = 500;
        private Initialization init = Initialization.PYTORCH;
        private Preprocessing preprocessing;

        private Builder(String method, String source, String target) {
            this.method = method;
            this.source = source;
            this.target = target;
        }

        private Builder(ComponentConfig c) {
            this(c.method, c.source, c.target);
            backbone = c.backbone;
            iterations = c.iterations;
            batchSize = c.batchSize;
            lr = c.lr;
            lrGamma = c.lrGamma;
            momentum = c.momentum;
            weightDecay = c.weightDecay;
            tradeOff = c.tradeOff;
            seed = c.seed;
            checkpointEvery = c.checkpointEvery;
            init = c.init;
            preprocessing = c.preprocessing;
        }

        public Builder method(String value) {
            method = value;
            return this;
        }

        public Builder backbone(String value) {
            backbone = value;
            return this;
        }

        public Builder source(String value) {
            source = value;
            return this;
        }

        public Builder target(String value) {
            target = value;
            return this;
        }

        public Builder iterations(int value) {
            iterations = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder lr(float value) {
            lr = value;
            return this;
        }

        public Builder lrGamma(float value) {
            lrGamma = value;
            return this;
        }

        public Builder momentum(float value) {
            momentum = value;
            return this;
        }

        public Builder weightDecay(float value) {
            weightDecay = value;
            return this;
        }

        public Builder tradeOff(float value) {
            tradeOff = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        public Builder init(Initialization value) {
            init = value;
            return this;
        }

        /** A TorchScript backbone's own preprocessing; null keeps the backbone's default. */
        public Builder preprocessing(Preprocessing value) {
            preprocessing = value;
            return this;
        }

        public ComponentConfig build() {
            return new ComponentConfig(method, backbone, source, target, iterations, batchSize, lr, lrGamma, momentum,
                    weightDecay, tradeOff, seed, checkpointEvery, init, preprocessing);
        }
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

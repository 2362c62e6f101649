package dev.imed.fusion.teacher;

import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionOptions;
import dev.imed.fusion.selection.SelectionCriterion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a teacher is trained over its components. Build one with {@link #builder} or change one with
 * {@link #toBuilder}; every field added after the paper's defaults to a value that keeps the paper's training.
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
 * @param memberDropout per instance, the probability of dropping a member's (feature, prediction) from the
 *     fusion's input during training, at least one member kept (0 in the paper)
 * @param infoMaxWeight weight of information maximisation on the fused target predictions (0 in the paper)
 * @param pseudoLabelWeight weight of cross-entropy to consensus pseudo-labels on the target (0 in the paper)
 * @param pseudoLabelThreshold the max-probability every member must reach for a consensus pseudo-label
 * @param gateBalanceWeight weight of the gates' load-balancing penalty (0 in the paper)
 * @param memberLrScale the members' learning rate as a multiple of {@code lr}; 0 keeps them frozen (the paper)
 * @param selection how the iterate the bundle keeps is chosen, without target labels (the final one in the paper)
 * @param selectEvery iterations between the iterates kept as candidates when {@code selection} is not final
 */
public record TeacherConfig(List<Path> components, String source, String target, FusionKind fusion, int layers,
                            int iterations, int batchSize, float lr, float lrGamma, float momentum, float weightDecay,
                            float mccWeight, float adversarialWeight, boolean sam, float samRho, long seed,
                            int checkpointEvery, TargetLoss targetLoss, FusionOptions options, float gateLrScale,
                            float memberDropout, float infoMaxWeight, float pseudoLabelWeight, float pseudoLabelThreshold,
                            float gateBalanceWeight, float memberLrScale, SelectionCriterion selection, int selectEvery) {

    /** Where {@link #pseudoLabelThreshold} starts: all members at least 90 % sure. */
    public static final float DEFAULT_PSEUDO_LABEL_THRESHOLD = 0.9f;
    /** Where {@link #selectEvery} starts. */
    public static final int DEFAULT_SELECT_EVERY = 100;

    public TeacherConfig {
        components = List.copyOf(components);
        if (memberDropout < 0 || memberDropout >= 1) {
            throw new IllegalArgumentException("member dropout must be in [0, 1), got " + memberDropout);
        }
        if (pseudoLabelThreshold < 0 || pseudoLabelThreshold > 1) {
            throw new IllegalArgumentException("the pseudo-label threshold must be in [0, 1], got " + pseudoLabelThreshold);
        }
        if (memberLrScale < 0) {
            throw new IllegalArgumentException("the member learning-rate scale must not be negative, got " + memberLrScale);
        }
        if (selectEvery < 1) {
            throw new IllegalArgumentException("select-every must be at least 1, got " + selectEvery);
        }
    }

    /** The paper's teacher over {@code components}. */
    public static TeacherConfig defaults(List<Path> components, String source, String target) {
        return builder(components, source, target).build();
    }

    /** A builder holding the paper's settings. */
    public static Builder builder(List<Path> components, String source, String target) {
        return new Builder(components, source, target);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public TeacherConfig withFusion(FusionKind f) {
        return toBuilder().fusion(f).build();
    }

    public TeacherConfig withLayers(int l) {
        return toBuilder().layers(l).build();
    }

    public TeacherConfig withIterations(int n) {
        return toBuilder().iterations(n).build();
    }

    public TeacherConfig withWeights(float beta1, float beta2) {
        return toBuilder().mccWeight(beta1).adversarialWeight(beta2).build();
    }

    public TeacherConfig withSam(boolean on) {
        return toBuilder().sam(on).build();
    }

    public TeacherConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    public TeacherConfig withLr(float l) {
        return toBuilder().lr(l).build();
    }

    public TeacherConfig withTargetLoss(TargetLoss loss) {
        return toBuilder().targetLoss(loss).build();
    }

    public TeacherConfig withGateLrScale(float scale) {
        return toBuilder().gateLrScale(scale).build();
    }

    public TeacherConfig withOptions(FusionOptions o) {
        return toBuilder().options(o).build();
    }

    /** Whether the members learn along with the fusion. */
    public boolean tunesMembers() {
        return memberLrScale > 0;
    }

    /** Whether iterates are kept during training to choose from. */
    public boolean selectsIterate() {
        return selection != SelectionCriterion.FINAL;
    }

    /** The levers added with the builder, only where they differ from the paper, by name. */
    private Map<String, Object> leverEntries() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (memberDropout != 0) {
            map.put("memberDropout", memberDropout);
        }
        if (infoMaxWeight != 0) {
            map.put("infoMaxWeight", infoMaxWeight);
        }
        if (pseudoLabelWeight != 0) {
            map.put("pseudoLabelWeight", pseudoLabelWeight);
            map.put("pseudoLabelThreshold", pseudoLabelThreshold);
        }
        if (gateBalanceWeight != 0) {
            map.put("gateBalanceWeight", gateBalanceWeight);
        }
        if (memberLrScale != 0) {
            map.put("memberLrScale", memberLrScale);
        }
        if (selectsIterate()) {
            map.put("select", selection.id());
            map.put("selectEvery", selectEvery);
        }
        return map;
    }

    /** The configuration as recorded in the teacher bundle's manifest. */
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
            // Only when it differs from the paper's, so that a paper teacher's manifest reads as it always did.
            map.put("targetLoss", targetLoss.id());
        }
        map.put("beta2Adversarial", adversarialWeight);
        map.putAll(options.asMap());
        if (gateLrScale != 1f) {
            map.put("gateLrScale", gateLrScale);
        }
        map.put("sam", sam);
        map.put("samRho", samRho);
        // Likewise: a lever at the paper's value leaves the manifest as it was.
        map.putAll(leverEntries());
        return map;
    }

    /** Builds a {@link TeacherConfig} field by field, starting from the paper's settings or from a config. */
    public static final class Builder {
        private List<Path> components;
        private String source;
        private String target;
        private FusionKind fusion = FusionKind.IMED;
        private int layers = 2;
        private int iterations = 1000;
        private int batchSize = 32;
        private float lr = 0.01f;
        private float lrGamma = 0.001f;
        private float momentum = 0.9f;
        private float weightDecay = 5e-4f;
        private float mccWeight = 1f;
        private float adversarialWeight = 1f;
        private boolean sam;
        private float samRho = 0.05f;
        private long seed;
        private int checkpointEvery = 250;
        private TargetLoss targetLoss = TargetLoss.MCC;
        private FusionOptions options = FusionOptions.PAPER;
        private float gateLrScale = 1f;
        private float memberDropout;
        private float infoMaxWeight;
        private float pseudoLabelWeight;
        private float pseudoLabelThreshold = DEFAULT_PSEUDO_LABEL_THRESHOLD;
        private float gateBalanceWeight;
        private float memberLrScale;
        private SelectionCriterion selection = SelectionCriterion.FINAL;
        private int selectEvery = DEFAULT_SELECT_EVERY;

        private Builder(List<Path> components, String source, String target) {
            this.components = components;
            this.source = source;
            this.target = target;
        }

        private Builder(TeacherConfig c) {
            this(c.components, c.source, c.target);
            fusion = c.fusion;
            layers = c.layers;
            iterations = c.iterations;
            batchSize = c.batchSize;
            lr = c.lr;
            lrGamma = c.lrGamma;
            momentum = c.momentum;
            weightDecay = c.weightDecay;
            mccWeight = c.mccWeight;
            adversarialWeight = c.adversarialWeight;
            sam = c.sam;
            samRho = c.samRho;
            seed = c.seed;
            checkpointEvery = c.checkpointEvery;
            targetLoss = c.targetLoss;
            options = c.options;
            gateLrScale = c.gateLrScale;
            memberDropout = c.memberDropout;
            infoMaxWeight = c.infoMaxWeight;
            pseudoLabelWeight = c.pseudoLabelWeight;
            pseudoLabelThreshold = c.pseudoLabelThreshold;
            gateBalanceWeight = c.gateBalanceWeight;
            memberLrScale = c.memberLrScale;
            selection = c.selection;
            selectEvery = c.selectEvery;
        }

        public Builder components(List<Path> v) { components = v; return this; }
        public Builder source(String v) { source = v; return this; }
        public Builder target(String v) { target = v; return this; }
        public Builder fusion(FusionKind v) { fusion = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder iterations(int v) { iterations = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder lr(float v) { lr = v; return this; }
        public Builder lrGamma(float v) { lrGamma = v; return this; }
        public Builder momentum(float v) { momentum = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder mccWeight(float v) { mccWeight = v; return this; }
        public Builder adversarialWeight(float v) { adversarialWeight = v; return this; }
        public Builder sam(boolean v) { sam = v; return this; }
        public Builder samRho(float v) { samRho = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder targetLoss(TargetLoss v) { targetLoss = v; return this; }
        public Builder options(FusionOptions v) { options = v; return this; }
        public Builder gateLrScale(float v) { gateLrScale = v; return this; }
        public Builder memberDropout(float v) { memberDropout = v; return this; }
        public Builder infoMaxWeight(float v) { infoMaxWeight = v; return this; }
        public Builder pseudoLabelWeight(float v) { pseudoLabelWeight = v; return this; }
        public Builder pseudoLabelThreshold(float v) { pseudoLabelThreshold = v; return this; }
        public Builder gateBalanceWeight(float v) { gateBalanceWeight = v; return this; }
        public Builder memberLrScale(float v) { memberLrScale = v; return this; }
        public Builder selection(SelectionCriterion v) { selection = v; return this; }
        public Builder selectEvery(int v) { selectEvery = v; return this; }

        public TeacherConfig build() {
            return new TeacherConfig(components, source, target, fusion, layers, iterations, batchSize, lr, lrGamma, momentum,
                    weightDecay, mccWeight, adversarialWeight, sam, samRho, seed, checkpointEvery, targetLoss, options,
                    gateLrScale, memberDropout, infoMaxWeight, pseudoLabelWeight, pseudoLabelThreshold, gateBalanceWeight,
                    memberLrScale, selection, selectEvery);
        }
    }
}

package dev.imed.ensemble.method.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imed.core.tensor.Scalars;
import dev.imed.ensemble.method.Losses;

/**
 * The conditional adversarial loss of CDAN on (feature, softmax): the discriminator sees the
 * multilinear map through a gradient-reversal layer; with entropy conditioning (+E) confident
 * examples weigh more. The IMED teacher reuses it on its fused feature.
 */
public final class ConditionalAdversary {
    private final MultilinearMap map;
    private final SequentialBlock discriminator;
    private final boolean entropyConditioning;
    private final SequentialBlock networks;
    private final long featureDim;
    private final int classes;

    public ConditionalAdversary(long featureDim, int classes, boolean entropyConditioning) {
        this(new MultilinearMap(featureDim, classes), DomainDiscriminator.HIDDEN, featureDim, classes, entropyConditioning);
    }

    /** With a given map and discriminator width, for tests that need a tiny adversary. */
    ConditionalAdversary(MultilinearMap map, int hidden, long featureDim, int classes, boolean entropyConditioning) {
        this.map = map;
        this.discriminator = DomainDiscriminator.mlp(hidden, 1);
        this.entropyConditioning = entropyConditioning;
        this.networks = new SequentialBlock().add(map).add(discriminator);
        this.featureDim = featureDim;
        this.classes = classes;
    }

    public void initialize(NDManager manager) {
        // Initialised as one container, so that it records its input shapes and can be saved in checkpoints.
        networks.initialize(manager, DataType.FLOAT32, new Shape(1, featureDim), new Shape(1, classes));
    }

    /** The map and the discriminator, as one block (the map's random matrices are not trained). */
    public Block block() {
        return networks;
    }

    public MultilinearMap map() {
        return map;
    }

    /**
     * The adversarial loss for source and target (feature, logits) with gradient-reversal
     * coefficient {@code lambda}. Predictions are detached, as in CDAN.
     */
    public NDArray loss(ParameterStore store, NDArray fs, NDArray zs, NDArray ft, NDArray zt, double lambda) {
        NDArray f = fs.concat(ft, 0);
        NDArray p = zs.concat(zt, 0).softmax(1).stopGradient();
        NDArray h = Losses.reverseGradient(map.apply(store, f, p), lambda);
        NDArray d = discriminator.forward(store, new NDList(h), true).head();
        long ns = fs.getShape().get(0);
        long n = f.getShape().get(0);
        NDArray weights = null;
        if (entropyConditioning) {
            NDArray w = Losses.entropy(p).neg().exp().add(1f);
            weights = Scalars.times(w.div(w.sum()), n);
        }
        NDArray ds = d.get("0:" + ns);
        NDArray dt = d.get(ns + ":");
        NDArray ws = weights == null ? null : weights.get("0:" + ns);
        NDArray wt = weights == null ? null : weights.get(ns + ":");
        return Scalars.times(Losses.binaryCrossEntropy(ds, 1f, ws).add(Losses.binaryCrossEntropy(dt, 0f, wt)), 0.5);
    }
}
